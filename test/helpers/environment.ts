/**
 * One-time bootstrap of the n8n-core services that node execution reaches through the DI
 * container (`@n8n/di`), done the way an n8n instance starts them, but isolated:
 *
 * - `Logger` (@n8n/backend-common) and `LoggerProxy` (n8n-workflow) are both the capturing
 *   logger of logs.ts. The real Logger's constructor calls `LoggerProxy.init(this)`, so ours is
 *   put in the container before anything can construct the real one.
 * - `InstanceSettings` is real, but its n8n folder (settings file with the encryption key) is a
 *   temporary directory, never ~/.n8n. The env vars it reads are set only while it is built,
 *   then restored, so other test files in the same Jest worker see an untouched environment.
 * - `BinaryDataService` runs in `default` mode: binaries stay in memory, base64 in the item,
 *   as with N8N_DEFAULT_BINARY_DATA_MODE=default; runners can switch to `filesystem` (below).
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { BinaryDataConfig, BinaryDataService, InstanceSettings } from 'n8n-core';
import { LoggerProxy } from 'n8n-workflow';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { CapturingLogger } from './logs';

let ready: Promise<void> | undefined;

const TEST_ENCRYPTION_KEY = 'contrat-prive-test-harness-key';

function withEnv<T>(overrides: Record<string, string>, fn: () => T): T {
	const previous: Record<string, string | undefined> = {};
	for (const [key, value] of Object.entries(overrides)) {
		previous[key] = process.env[key];
		process.env[key] = value;
	}
	try {
		return fn();
	} finally {
		for (const [key, value] of Object.entries(previous)) {
			if (value === undefined) delete process.env[key];
			else process.env[key] = value;
		}
	}
}

async function bootstrap(): Promise<void> {
	const logger = new CapturingLogger();
	Container.set(Logger, logger as unknown as Logger);
	LoggerProxy.init(logger);

	const userFolder = mkdtempSync(path.join(tmpdir(), 'contrat-prive-n8n-'));
	process.once('exit', () => rmSync(userFolder, { recursive: true, force: true }));

	const binaryDataService = withEnv(
		{
			N8N_USER_FOLDER: userFolder,
			N8N_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
			N8N_DEFAULT_BINARY_DATA_MODE: 'default',
		},
		() => {
			Container.get(InstanceSettings);
			const config = Container.get(BinaryDataConfig);
			if (config.mode !== 'default') {
				throw new Error(`Binary data mode is "${config.mode}", expected "default"`);
			}
			return Container.get(BinaryDataService);
		},
	);
	await binaryDataService.init();
}

/** Idempotent; every harness entry point awaits it first. */
export async function ensureN8nCore(): Promise<void> {
	ready ??= bootstrap();
	await ready;
}

/**
 * `default`: binaries inline in the item (base64 in `binary.data`), the brief's memory mode.
 * `filesystem`: what an n8n 2.x instance uses unless configured otherwise (BinaryDataConfig
 * defaults to it): `binary.data` is only the mode marker and the bytes live in files
 * (under the temporary n8n folder), read back through `id`. A node that reads
 * `binary.data` itself instead of `getBinaryDataBuffer` works only in `default` mode.
 */
export type BinaryDataMode = 'default' | 'filesystem';

let binaryDataMode: BinaryDataMode = 'default';

export async function useBinaryDataMode(mode: BinaryDataMode): Promise<void> {
	await ensureN8nCore();
	if (mode === binaryDataMode) return;
	Container.get(BinaryDataConfig).mode = mode;
	await Container.get(BinaryDataService).init();
	binaryDataMode = mode;
}

/**
 * The files under n8n's binary data folder (filesystem mode), relative to it: a stored binary is
 * a file and its `.metadata` beside it.
 */
export async function storedBinaryFiles(): Promise<string[]> {
	await ensureN8nCore();
	const folder = Container.get(BinaryDataConfig).localStoragePath;
	try {
		return readdirSync(folder, { recursive: true, withFileTypes: true })
			.filter((entry) => entry.isFile())
			.map((entry) => path.relative(folder, path.join(entry.parentPath ?? entry.path, entry.name)))
			.sort();
	} catch {
		return [];
	}
}
