import type { IDataObject } from 'n8n-workflow';

import { isObject } from '../shared/isObject';
import type { SubscriptionPropertyName } from '../shared/subscriptionProperties';
import { knownFields } from '../shared/knownFields';
import { nonBlank } from '../shared/text';
import { booleanValue, finiteNumber, idOf, isoFromUnixSeconds, listData, objectAt } from './stripeFields';

/**
 * Reads a Stripe subscription the same way in every API version: until
 * 2025-03-31.basil the billing period sat on the subscription, since then it
 * sits on each item; prices name their product by id unless it was expanded.
 */

const items = (subscription: IDataObject): IDataObject[] => listData(subscription.items);

/** Where a subscription item's price lives: `price`, or the legacy `plan`. */
const priceOf = (item: IDataObject): IDataObject => (isObject(item.price) ? item.price : objectAt(item, 'plan'));

const unitAmount = (price: IDataObject): number | undefined =>
	finiteNumber(price.unit_amount) ?? finiteNumber(price.amount);

const recurringOf = (price: IDataObject): IDataObject =>
	isObject(price.recurring) ? price.recurring : price; // a legacy plan carries interval itself

function itemName(item: IDataObject): string | undefined {
	const price = priceOf(item);
	const product = price.product;
	return (isObject(product) ? nonBlank(product.name) : undefined) ?? nonBlank(price.nickname);
}

/** Product names (else price nicknames) of every item, each once, comma-separated. */
export function planName(subscription: IDataObject): string | undefined {
	const names = [...new Set(items(subscription).map(itemName).filter((name) => name !== undefined))];
	return names.length > 0 ? names.join(', ') : undefined;
}

const periodEdge = (subscription: IDataObject, field: 'current_period_end' | 'current_period_start') =>
	finiteNumber(subscription[field]) ??
	items(subscription)
		.map((item) => finiteNumber(item[field]))
		.find((value) => value !== undefined);

export const currentPeriodEnd = (subscription: IDataObject) => periodEdge(subscription, 'current_period_end');

/** One item's amount per billing interval; undefined for metered or tiered prices (no fixed amount). */
function itemAmount(item: IDataObject): number | undefined {
	const price = priceOf(item);
	if (recurringOf(price).usage_type === 'metered') return undefined;
	const amount = unitAmount(price);
	const quantity = finiteNumber(item.quantity) ?? 1;
	return amount === undefined ? undefined : amount * quantity;
}

/** The amount billed per interval, when every item has a fixed amount. */
export function recurringAmount(subscription: IDataObject): number | undefined {
	const amounts = items(subscription).map(itemAmount);
	if (amounts.length === 0 || amounts.some((amount) => amount === undefined)) return undefined;
	return (amounts as number[]).reduce((sum, amount) => sum + amount, 0);
}

const MONTHS_PER: Record<string, number> = { day: 12 / 365, week: 12 / 52, month: 1, year: 12 };

/** Statuses in which the subscription is billing; any other counts 0 toward monthly recurring revenue. */
const BILLING_STATUSES = new Set(['active', 'past_due']);

/** Monthly recurring amount in minor units; undefined when an item's amount or interval is unknown. */
export function monthlyRecurringAmount(subscription: IDataObject): number | undefined {
	const status = nonBlank(subscription.status);
	if (status === undefined) return undefined;
	let total = 0;
	for (const item of items(subscription)) {
		const amount = itemAmount(item);
		const recurring = recurringOf(priceOf(item));
		const months = MONTHS_PER[String(recurring.interval)];
		const count = finiteNumber(recurring.interval_count) ?? 1;
		if (amount === undefined || months === undefined || count <= 0) return undefined;
		total += amount / (months * count);
	}
	if (items(subscription).length === 0) return undefined;
	return BILLING_STATUSES.has(status) ? Math.round(total) : 0;
}

/** The subscription state as Loops contact properties (names and types in nodes/shared/subscriptionProperties). */
export function subscriptionContactState(subscription: IDataObject): Partial<Record<SubscriptionPropertyName, string | number | boolean>> {
	return knownFields({
		subscriptionStatus: nonBlank(subscription.status),
		subscriptionPlan: planName(subscription),
		trialEndsAt: isoFromUnixSeconds(subscription.trial_end),
		currentPeriodEndsAt: isoFromUnixSeconds(currentPeriodEnd(subscription)),
		cancelAtPeriodEnd: booleanValue(subscription.cancel_at_period_end),
		stripeCustomerId: idOf(subscription.customer),
		mrr: monthlyRecurringAmount(subscription),
		subscriptionCurrency: nonBlank(subscription.currency),
	}) as Partial<Record<SubscriptionPropertyName, string | number | boolean>>;
}

/** What an email about this subscription can say. */
export function subscriptionProperties(subscription: IDataObject): IDataObject {
	const first = items(subscription)[0] ?? {};
	const price = priceOf(first);
	const recurring = recurringOf(price);
	const cancellation = objectAt(subscription, 'cancellation_details');
	const pause = objectAt(subscription, 'pause_collection');
	return knownFields({
		subscriptionId: nonBlank(subscription.id),
		status: nonBlank(subscription.status),
		amount: recurringAmount(subscription),
		currency: nonBlank(subscription.currency) ?? nonBlank(price.currency),
		interval: nonBlank(recurring.interval),
		intervalCount: finiteNumber(recurring.interval_count),
		quantity: finiteNumber(first.quantity),
		planName: planName(subscription),
		productName: isObject(price.product) ? nonBlank(price.product.name) : undefined,
		productId: idOf(price.product),
		priceId: nonBlank(price.id),
		priceNickname: nonBlank(price.nickname),
		trialStart: isoFromUnixSeconds(subscription.trial_start),
		trialEnd: isoFromUnixSeconds(subscription.trial_end),
		currentPeriodStart: isoFromUnixSeconds(periodEdge(subscription, 'current_period_start')),
		currentPeriodEnd: isoFromUnixSeconds(currentPeriodEnd(subscription)),
		cancelAtPeriodEnd: booleanValue(subscription.cancel_at_period_end),
		cancelAt: isoFromUnixSeconds(subscription.cancel_at),
		canceledAt: isoFromUnixSeconds(subscription.canceled_at),
		endedAt: isoFromUnixSeconds(subscription.ended_at),
		cancellationReason: nonBlank(cancellation.reason),
		cancellationFeedback: nonBlank(cancellation.feedback),
		pausedBehavior: nonBlank(pause.behavior),
		resumesAt: isoFromUnixSeconds(pause.resumes_at),
		latestInvoiceId: idOf(subscription.latest_invoice),
	});
}
