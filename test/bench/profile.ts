/**
 * `tsx test/bench/profile.ts test-results/bench-profiles/NAME.cpuprofile [--top N]`
 *
 * Summarises a CPU profile taken by `npm run bench -- --profile`, cut to the measured phase
 * (NAME.phase.json beside it): self time by function and by package, and inclusive time of
 * synchronous stacks (async continuations start new stacks).
 */
import { existsSync, readFileSync } from 'node:fs';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}
interface Profile {
	nodes: ProfileNode[];
	startTime: number;
	samples: number[];
	timeDeltas: number[];
}

function main(): void {
	const file = process.argv[2];
	if (!file) throw new Error('usage: tsx test/bench/profile.ts FILE.cpuprofile [--top N]');
	const topIndex = process.argv.indexOf('--top');
	const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 30;
	const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
	const phaseFile = file.replace(/\.cpuprofile$/, '.phase.json');
	const phase = existsSync(phaseFile)
		? (JSON.parse(readFileSync(phaseFile, 'utf8')) as { start?: number; end?: number })
		: {};
	const start = phase.start ?? -Infinity;
	const end = phase.end ?? Infinity;

	const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
	const parents = new Map<number, number>();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parents.set(child, node.id);
	const key = (node: ProfileNode) =>
		`${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url
			.replace(/.*node_modules\//, '')
			.replace(
				/^file:\/\/.*?\/(nodes|test|credentials)\//,
				'$1/',
			)}:${node.callFrame.lineNumber + 1}`;
	const owner = (node: ProfileNode) =>
		/node_modules\/((@[^/]+\/)?[^/]+)/.exec(node.callFrame.url)?.[1] ??
		/\/(nodes|test|credentials)\//.exec(node.callFrame.url)?.[1] ??
		(node.callFrame.url || node.callFrame.functionName);

	const self = new Map<string, number>();
	const inclusive = new Map<string, number>();
	const byOwner = new Map<string, number>();
	const add = (map: Map<string, number>, name: string, time: number) =>
		map.set(name, (map.get(name) ?? 0) + time);
	let time = profile.startTime;
	let total = 0;
	profile.samples.forEach((sample, index) => {
		time += profile.timeDeltas[index];
		if (time < start || time > end) return;
		const spent = profile.timeDeltas[index + 1] ?? 0;
		total += spent;
		const node = nodes.get(sample)!;
		add(self, key(node), spent);
		add(byOwner, owner(node), spent);
		const seen = new Set<string>();
		for (let id: number | undefined = sample; id !== undefined; id = parents.get(id)) {
			const name = key(nodes.get(id)!);
			if (!seen.has(name)) add(inclusive, name, spent);
			seen.add(name);
		}
	});
	const list = (map: Map<string, number>, count: number) =>
		[...map]
			.sort((a, b) => b[1] - a[1])
			.slice(0, count)
			.map(([name, spent]) => `${(spent / 1000).toFixed(0).padStart(7)} ms  ${name}`)
			.join('\n');
	console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled in the phase`);
	console.log(`\nSelf time\n${list(self, top)}`);
	console.log(`\nSelf time by package\n${list(byOwner, 20)}`);
	console.log(`\nInclusive time (synchronous stacks)\n${list(inclusive, top * 2)}`);
}

main();
