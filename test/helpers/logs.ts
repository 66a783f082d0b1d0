/**
 * Captures every log line n8n-core and n8n-workflow emit.
 *
 * n8n has two logging paths: `LoggerProxy` (n8n-workflow, used by WorkflowExecute and
 * expression code) and the DI `Logger` from `@n8n/backend-common` (used by node contexts as
 * `this.logger`, by ErrorReporter and by request helpers). The environment bootstrap puts one
 * `CapturingLogger` behind both (see environment.ts), so nothing reaches the console.
 */
import type { Logger, LogMetadata } from 'n8n-workflow';

type Sink = string[];

const activeSinks = new Set<Sink>();

/** Serialises metadata like a JSON log transport would, tolerating cycles and Errors. */
function serialiseMetadata(metadata: LogMetadata | undefined): string {
	if (metadata === undefined || Object.keys(metadata).length === 0) return '';
	const seen = new WeakSet<object>();
	try {
		return (
			' ' +
			JSON.stringify(metadata, (_key, value: unknown) => {
				if (value instanceof Error) {
					return { ...value, name: value.name, message: value.message, stack: value.stack };
				}
				if (typeof value === 'bigint') return value.toString();
				if (typeof value === 'object' && value !== null) {
					if (seen.has(value)) return '[Circular]';
					seen.add(value);
				}
				return value;
			})
		);
	} catch {
		return ' [unserialisable metadata]';
	}
}

export class CapturingLogger implements Logger {
	error(message: string, metadata?: LogMetadata): void {
		this.write('error', message, metadata);
	}

	warn(message: string, metadata?: LogMetadata): void {
		this.write('warn', message, metadata);
	}

	info(message: string, metadata?: LogMetadata): void {
		this.write('info', message, metadata);
	}

	debug(message: string, metadata?: LogMetadata): void {
		this.write('debug', message, metadata);
	}

	/** `@n8n/backend-common`'s Logger API: services call `logger.scoped('x')`. */
	scoped(): this {
		return this;
	}

	private write(level: string, message: string, metadata?: LogMetadata): void {
		if (activeSinks.size === 0) return;
		const line = `${level} ${String(message)}${serialiseMetadata(metadata)}`;
		for (const sink of activeSinks) sink.push(line);
	}
}

/**
 * Runs `fn` and returns what it resolved to, along with every log line emitted meanwhile.
 * Lines look like `debug Start executing node "X" {"node":"X",...}` (level, message, JSON
 * metadata). Overlapping captures each receive every line emitted while they are open.
 */
export async function captureLogs<T>(fn: () => Promise<T>): Promise<{ value: T; logs: string[] }> {
	const sink: Sink = [];
	activeSinks.add(sink);
	try {
		const value = await fn();
		return { value, logs: sink };
	} finally {
		activeSinks.delete(sink);
	}
}
