/**
 * The body is not a valid OTLP request: the whole request is refused (HTTP 400) with this message
 * as the reason. Items that are well-formed but cannot be stored are not errors: they are counted
 * as rejected in the response's partial success instead.
 */
export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}
