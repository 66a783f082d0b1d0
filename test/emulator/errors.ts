/** The JSON error of the wire contract: `{ error: { code, message, field?, ...details } }`. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly details: Record<string, unknown> = {},
	) {
		super(message);
		this.name = 'ApiError';
	}

	toBody(): { error: Record<string, unknown> } {
		return { error: { code: this.code, message: this.message, ...this.details } };
	}
}

export const validationError = (field: string | undefined, message: string): ApiError =>
	new ApiError(400, 'VALIDATION_ERROR', message, field === undefined ? {} : { field });

export const invalidState = (status: string, message: string): ApiError =>
	new ApiError(409, 'INVALID_STATE', message, { status });

export const contractNotFound = (): ApiError =>
	new ApiError(404, 'CONTRACT_NOT_FOUND', 'No such contract', { field: 'contractId' });

export const signatoryNotFound = (): ApiError =>
	new ApiError(404, 'SIGNATORY_NOT_FOUND', 'No such signatory on this contract', {
		field: 'signatoryId',
	});

export const internalError = (): ApiError =>
	new ApiError(500, 'INTERNAL_ERROR', 'Internal server error');
