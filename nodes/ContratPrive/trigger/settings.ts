/** The trigger's parameters, read once per poll. */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { EmitConfig, TriggerEvent } from './changes';
import { TRIGGER_EVENTS } from './changes';
import { DEFAULT_PRODUCTION_INTERVAL_MINUTES } from './pacing';

export const DEFAULT_TIMEOUT_SECONDS = 30;

export interface PollSettings extends EmitConfig {
	timeoutMs: number;
	productionIntervalMinutes: number;
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
	const timeout = Number(options.timeout ?? DEFAULT_TIMEOUT_SECONDS);
	const interval = Number(options.productionInterval ?? DEFAULT_PRODUCTION_INTERVAL_MINUTES);
	return {
		events: new Set(selected),
		filters: {
			referenceContains: String(filters.referenceContains ?? '').trim() || undefined,
			labelContains: String(filters.labelContains ?? '').trim() || undefined,
		},
		downloadSignedDocument: options.downloadSignedDocument === true,
		timeoutMs:
			Number.isFinite(timeout) && timeout > 0
				? Math.round(timeout * 1000)
				: DEFAULT_TIMEOUT_SECONDS * 1000,
		productionIntervalMinutes:
			Number.isFinite(interval) && interval >= 0 ? interval : DEFAULT_PRODUCTION_INTERVAL_MINUTES,
	};
}
