/**
 * The network model (off by default): each API request is delayed as if the emulator were a
 * French SaaS reached over the internet, and above a concurrency limit it answers HTTP 429.
 *
 * Delay = one round trip × (1 ± jitter) + the request body's upload time + a processing time
 * of `processingMs` plus `processingMsPerMb` per MB of body (the server checks and stores the
 * PDF). The request is carried out half a round trip before its answer leaves, and the
 * emulator's own handling time is part of the delay, not added to it (server.ts).
 *
 * Defaults, approximate and to be replaced by measurements of the real API when they exist:
 * - round trip 50 ms: public ping tables (WonderNetwork, RIPE Atlas) give about 10-30 ms from
 *   Western European cloud regions to Paris and 75-90 ms from the US East coast, plus the
 *   customer's own access network; 150 ms models a distant or congested client;
 * - upload 20 Mbit/s: a conservative share of a server's uplink, below the fixed-broadband
 *   medians France publishes (ARCEP's and Ookla's Speedtest Global Index);
 * - processing 30 ms + 20 ms per MB: an assumption for checking and storing a PDF.
 */
import { ApiError } from './errors';
import { JsonObject } from './rules/validation';

export interface NetworkModel {
	latencyMs: number;
	/** Relative spread of the round trip, 0-1: 0.2 = ±20 %. */
	jitter: number;
	uploadMbps: number;
	processingMs: number;
	processingMsPerMb: number;
	/** Requests in flight above this are answered HTTP 429 with Retry-After; null = no limit. */
	concurrencyLimit: number | null;
	/** The Retry-After of those 429s, in seconds. */
	retryAfterSeconds: number;
}

export const DEFAULT_NETWORK: NetworkModel = {
	latencyMs: 50,
	jitter: 0.2,
	uploadMbps: 20,
	processingMs: 30,
	processingMsPerMb: 20,
	concurrencyLimit: null,
	retryAfterSeconds: 1,
};

export interface RequestTiming {
	roundTripMs: number;
	/** From the request's arrival to its answer's: round trip + upload + processing. */
	totalMs: number;
}

/** The timing of one request whose body has `bodyBytes`. */
export function requestTiming(
	model: NetworkModel,
	bodyBytes: number,
	random = Math.random,
): RequestTiming {
	const roundTripMs = Math.max(0, model.latencyMs * (1 + model.jitter * (2 * random() - 1)));
	const upload = model.uploadMbps > 0 ? (bodyBytes * 8) / (model.uploadMbps * 1000) : 0;
	const processing = model.processingMs + (model.processingMsPerMb * bodyBytes) / (1024 * 1024);
	return { roundTripMs, totalMs: roundTripMs + upload + processing };
}

/** The delay of one request whose body has `bodyBytes`, in ms. */
export function requestDelayMs(
	model: NetworkModel,
	bodyBytes: number,
	random = Math.random,
): number {
	return requestTiming(model, bodyBytes, random).totalMs;
}

const LIMITS: Record<Exclude<keyof NetworkModel, 'concurrencyLimit'>, [number, number]> = {
	latencyMs: [0, 60_000],
	jitter: [0, 1],
	uploadMbps: [0, 100_000],
	processingMs: [0, 60_000],
	processingMsPerMb: [0, 60_000],
	retryAfterSeconds: [0, 3600],
};

/** A model from a control body or CLI options: `DEFAULT_NETWORK` with the given fields. */
export function parseNetwork(body: JsonObject, base: NetworkModel = DEFAULT_NETWORK): NetworkModel {
	const model: NetworkModel = { ...base };
	for (const [field, [min, max]] of Object.entries(LIMITS) as Array<
		[keyof typeof LIMITS, [number, number]]
	>) {
		const value = body[field];
		if (value === undefined) continue;
		if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
			throw new ApiError(
				400,
				'VALIDATION_ERROR',
				`${field} must be a number from ${min} to ${max}`,
			);
		}
		model[field] = value;
	}
	const limit = body.concurrencyLimit;
	if (limit !== undefined) {
		if (limit !== null && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
			throw new ApiError(
				400,
				'VALIDATION_ERROR',
				'concurrencyLimit must be a whole number from 1, or null',
			);
		}
		model.concurrencyLimit = limit as number | null;
	}
	return model;
}
