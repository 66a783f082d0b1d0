/**
 * "Today's node": the package's node as it is on another commit (by default where this branch
 * left main), measured in the same run as the node of the working tree. Its nodes/ and
 * credentials/ are extracted once into test-results/bench-baseline/<commit>/ and loaded from
 * there by the workers, under their own node type.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

import type { AnyNodeType } from '../../helpers/node-types';
import { ROOT } from './emulator';

/** The node type the workers register today's node under. */
export const TODAY_TYPE = 'bench.contratPriveToday';

const git = (...args: string[]) =>
	execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

/** Extracts today's node (commit `BENCH_BASELINE`, else the merge base with main); its folder. */
export function baselineDir(): string {
	const ref = process.env.BENCH_BASELINE || git('merge-base', 'HEAD', 'main');
	const commit = git('rev-parse', '--short', ref);
	const dir = path.join(ROOT, 'test-results', 'bench-baseline', commit);
	if (!existsSync(path.join(dir, 'nodes'))) {
		mkdirSync(dir, { recursive: true });
		execFileSync('sh', ['-c', `git archive ${commit} nodes credentials | tar -x -C "${dir}"`], {
			cwd: ROOT,
		});
	}
	return dir;
}

/** Today's node, for a worker's `nodeTypes`. */
export async function todayNodeTypes(dir: string): Promise<Record<string, AnyNodeType>> {
	const file = path.join(dir, 'nodes/ContratPrive/ContratPrive.node');
	const module = (await import(file)) as Record<string, new () => AnyNodeType>;
	return { [TODAY_TYPE]: new module.ContratPrive() };
}
