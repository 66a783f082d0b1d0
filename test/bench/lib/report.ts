/** Statistics, the table and the machine description of a benchmark run. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ROOT } from './emulator';

export function median(values: number[]): number {
	if (!values.length) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const round = (value: number, digits = 2): number => {
	const factor = 10 ** digits;
	return Math.round(value * factor) / factor;
};

export function range(values: number[], digits = 2): string {
	return `${round(Math.min(...values), digits)}–${round(Math.max(...values), digits)}`;
}

export interface Row {
	benchmark: string;
	metric: string;
	value: string;
	target: string;
	/** null: no target, shown for information. */
	ok: boolean | null;
	note?: string;
}

export function formatTable(rows: Row[]): string {
	const header = ['Benchmark', 'Metric', 'Measured', 'Target', ''];
	const lines = rows.map((row) => [
		row.benchmark,
		row.metric,
		row.value,
		row.target,
		row.ok === null ? '' : row.ok ? 'ok' : 'MISS',
	]);
	const widths = header.map((title, column) =>
		Math.max(title.length, ...lines.map((line) => line[column].length)),
	);
	const format = (cells: string[]) =>
		cells
			.map((cell, column) => cell.padEnd(widths[column]))
			.join(' | ')
			.trimEnd();
	return [
		format(header),
		widths.map((width) => '-'.repeat(width)).join('-|-'),
		...lines.map(format),
	].join('\n');
}

export function markdownTable(rows: Row[]): string {
	const escape = (text: string) => text.replace(/\|/g, '\\|');
	return [
		'| Benchmark | Metric | Measured | Target | |',
		'|---|---|---|---|---|',
		...rows.map(
			(row) =>
				`| ${escape(row.benchmark)} | ${escape(row.metric)} | ${escape(row.value)} | ${escape(row.target)} | ${
					row.ok === null ? '' : row.ok ? 'ok' : '**miss**'
				} |`,
		),
	].join('\n');
}

function packageVersion(name: string): string {
	try {
		const file = require.resolve(`${name}/package.json`, { paths: [ROOT] });
		return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
	} catch {
		return 'unknown';
	}
}

function git(...args: string[]): string {
	try {
		return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
	} catch {
		return 'unknown';
	}
}

export function machineInfo() {
	const cpus = os.cpus();
	const own = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
		name: string;
		version: string;
	};
	return {
		date: new Date().toISOString(),
		package: `${own.name}@${own.version}`,
		commit: git('rev-parse', '--short', 'HEAD'),
		dirtyFiles: git('status', '--porcelain', '--', 'nodes', 'credentials')
			.split('\n')
			.filter(Boolean).length,
		node: process.version,
		platform: `${os.type()} ${os.release()} ${os.arch()}`,
		cpu: `${cpus.length} × ${cpus[0]?.model ?? 'unknown'}`,
		memoryGB: round(os.totalmem() / 1024 ** 3, 1),
		loadAverage: os.loadavg().map((load) => round(load)),
		versions: Object.fromEntries(
			['n8n-core', 'n8n-workflow', 'axios', 'tsx', 'fastify', 'pdf-lib'].map((name) => [
				name,
				packageVersion(name),
			]),
		),
	};
}
