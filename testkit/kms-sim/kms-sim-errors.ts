/**
 * An error the simulator answers with, in the AWS JSON 1.1 shape: HTTP `status` and body
 * `{"__type": type, "message": message}`. The SDK picks its exception class from `__type`, and
 * its retry policy from the status (500/502/503/504 are transient, 4xx are not).
 */
export class KmsSimError extends Error {
  readonly type: string;
  readonly status: number;

  constructor(type: string, status: number, message: string) {
    super(message);
    this.name = 'KmsSimError';
    this.type = type;
    this.status = status;
  }
}

/** The error types the simulator produces, with the HTTP status AWS KMS documents for each. */
export const kmsErrors = {
  notFound: (message: string) => new KmsSimError('NotFoundException', 400, message),
  invalidCiphertext: (message: string) =>
    new KmsSimError('InvalidCiphertextException', 400, message),
  disabled: (message: string) => new KmsSimError('DisabledException', 400, message),
  incorrectKey: (message: string) => new KmsSimError('IncorrectKeyException', 400, message),
  invalidState: (message: string) => new KmsSimError('KMSInvalidStateException', 400, message),
  alreadyExists: (message: string) => new KmsSimError('AlreadyExistsException', 400, message),
  invalidAliasName: (message: string) => new KmsSimError('InvalidAliasNameException', 400, message),
  validation: (message: string) => new KmsSimError('ValidationException', 400, message),
  serialization: (message: string) => new KmsSimError('SerializationException', 400, message),
  unknownOperation: (message: string) => new KmsSimError('UnknownOperationException', 400, message),
  missingAuthentication: () =>
    new KmsSimError('MissingAuthenticationTokenException', 400, 'Missing Authentication Token'),
  incompleteSignature: (message: string) =>
    new KmsSimError('IncompleteSignatureException', 400, message),
  internal: (message: string) => new KmsSimError('KMSInternalException', 500, message),
  /** The down switch: 503 so every SDK treats it as a transient, retryable server fault. */
  outage: () =>
    new KmsSimError('KMSInternalException', 503, 'KMS is unavailable (kms-sim down switch)'),
} as const;
