// A body the viewer cannot take: answered with 400 (or 413) and this one-line reason, and nothing stored.
export class BadRequestError extends Error {
  readonly status: number;

  constructor(message: string, status = 400) {
    super(message);
    this.status = status;
  }
}
