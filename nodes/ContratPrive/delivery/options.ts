/** What every request can be given: its timeout, its retries, the reserve, a streamed reply. */
import type { IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

import type { OpenContent } from '../streaming/reply-stream';

/** The n8n contexts that send requests: an execution, the editor's lists, a poll. */
export type ContratPriveContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export interface RetryPolicy {
	/** Retries after the first attempt of a request; 0 for none. */
	maxRetries: number;
	/** Milliseconds before the first retry; the wait doubles at each retry, with jitter. */
	initialDelay: number;
	/** Longest wait between two attempts, in milliseconds. */
	maxDelay: number;
	/** No retry starts when it would end its wait later than this after the first attempt. */
	maxTotalTime: number;
}

export interface RequestOptions {
	itemIndex?: number;
	/** Milliseconds without any data sent or received before a request is given up. */
	timeout?: number;
	/** Retries of failed requests, as each request's policy allows (transport/request.ts); none if absent. */
	retry?: RetryPolicy;
	/**
	 * Counts every request before it is sent, retries included, and refuses (throws) one that
	 * would spend what must stay for other workflows. See quota/requestBudget.ts.
	 */
	budget?: RequestCounter;
	/**
	 * Read the reply as it arrives: called once per attempt, it returns where each document
	 * `content` of that attempt's reply goes (see streaming/reply-stream.ts).
	 */
	streamReply?: () => OpenContent;
}

export interface RequestCounter {
	take(requestName: string, itemIndex: number | undefined): void;
}
