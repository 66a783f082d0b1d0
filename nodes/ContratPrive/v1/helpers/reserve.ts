/** The option "Keep Requests for Other Workflows" of the operations that have Batching. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { fieldLabel } from './fields';
import { readWholeNumber } from './parameters';
import type { Validator } from './validation';

export const MAX_RESERVE = 1_000_000;

export const reserveOption: INodeProperties = {
	displayName: 'Keep Requests for Other Workflows',
	name: 'keepRequests',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: MAX_RESERVE, numberPrecision: 0 },
	default: 0,
	description:
		"On production, how many of the account's daily requests this node leaves untouched, e.g. for signing flows; items that would need them fail instead (0: off)",
};

/** The reserve, read from the first item's options (as Batching is); 0 when off. */
export function readReserve(
	validator: Validator,
	options: IDataObject,
	properties: INodeProperties[],
): number {
	const field = fieldLabel(properties, 'options', 'keepRequests');
	return readWholeNumber(validator, field, options.keepRequests, 0, 0, MAX_RESERVE);
}
