/**
 * Entry point of a measurement child process (see lib/child.ts): runs the job given as JSON in
 * argv[2] and prints its result.
 */
import { RESULT_MARK } from './lib/child';
import type { BulkJob } from './workers/bulk';
import { bulk } from './workers/bulk';
import type { LargeJob } from './workers/large';
import type { QuotaJob } from './workers/quota';
import { quota } from './workers/quota';
import { large } from './workers/large';
import type { ScenarioJob } from './workers/scenarios';
import { scenarios } from './workers/scenarios';
import type { TriggerJob } from './workers/trigger';
import { trigger } from './workers/trigger';

export type Job = BulkJob | TriggerJob | LargeJob | ScenarioJob | QuotaJob;

async function main(): Promise<void> {
	const job = JSON.parse(process.argv[2] ?? '{}') as Job;
	let result: unknown;
	switch (job.kind) {
		case 'bulk':
			result = await bulk(job);
			break;
		case 'trigger':
			result = await trigger(job);
			break;
		case 'large':
			result = await large(job);
			break;
		case 'scenarios':
			result = await scenarios(job);
			break;
		case 'quota':
			result = await quota(job);
			break;
		default:
			throw new Error(`unknown job ${JSON.stringify(job)}`);
	}
	process.stdout.write(`\n${RESULT_MARK}${JSON.stringify(result)}\n`);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
