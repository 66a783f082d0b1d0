/** The trigger's parameters, read once per poll. */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { EmitConfig, TriggerEvent } from './changes';
import { TRIGGER_EVENTS } from './changes';

/**
 * Timeouts are milliseconds in both nodes, as in n8n's HTTP Request node: one unit for users to
 * learn. Version 1 of the trigger had "Timeout (Seconds)" (`timeout`); version 1.1 has "Timeout"
 * (`requestTimeout`) in milliseconds, the action node's name and unit. A value saved in seconds
 * is still read in seconds, so saved workflows keep their meaning.
 */
export const DEFAULT_POLL_TIMEOUT_MS = 30_000;
export const MAX_POLL_TIMEOUT_MS = 300_000;
/** Version 1's "Timeout (Seconds)". */
export const V1_DEFAULT_TIMEOUT_SECONDS = DEFAULT_POLL_TIMEOUT_MS / 1000;

export interface PollSettings extends EmitConfig {
	timeoutMs: number;
	/** Undefined when the option is not set: the default follows the account's daily limit. */
	productionIntervalMinutes?: number;
}

export function readSettings(context: IPollFunctions): PollSettings {
	const events = context.getNodeParameter('events', []) as string[];
	const known = new Set<string>(TRIGGER_EVENTS);
	const selected = events.filter((event): event is TriggerEvent => known.has(event));
	if (selected.length === 0) {
		throw new NodeOperationError(context.getNode(), 'Choose at least one event to trigger on', {
			description: 'Set "Trigger On" to the contract changes that should start the workflow.',
		});
	}
	const filters = (context.getNodeParameter('filters', {}) ?? {}) as IDataObject;
	const options = (context.getNodeParameter('options', {}) ?? {}) as IDataObject;
	const timeoutMs = readTimeoutMs(options);
	const interval =
		options.productionInterval === undefined ? undefined : Number(options.productionInterval);
	return {
		events: new Set(selected),
		filters: {
			referenceContains: String(filters.referenceContains ?? '').trim() || undefined,
			labelContains: String(filters.labelContains ?? '').trim() || undefined,
		},
		downloadSignedDocument: options.downloadSignedDocument === true,
		timeoutMs,
		productionIntervalMinutes:
			interval !== undefined && Number.isFinite(interval) && interval >= 0 ? interval : undefined,
	};
}

/** The request timeout in milliseconds: `requestTimeout` (ms), or version 1's `timeout` (s). */
function readTimeoutMs(options: IDataObject): number {
	const milliseconds =
		options.requestTimeout !== undefined
			? Number(options.requestTimeout)
			: options.timeout !== undefined
				? Number(options.timeout) * 1000
				: DEFAULT_POLL_TIMEOUT_MS;
	return Number.isFinite(milliseconds) && milliseconds > 0
		? Math.round(milliseconds)
		: DEFAULT_POLL_TIMEOUT_MS;
}
