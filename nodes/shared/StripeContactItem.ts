import type { IDataObject } from 'n8n-workflow';

/**
 * The item contract between the Stripe Contact Trigger and the Loops node
 * (docs/contracts.md). Unknown fields are absent, never null or "": Loops reads
 * null as "clear this value".
 */
export type ContactAction = 'upsert' | 'unsubscribe' | 'delete';

export interface StripeContact extends IDataObject {
	email: string;
	firstName?: string;
	lastName?: string;
	userGroup?: string;
	mailingLists?: Record<string, boolean>;
	source: 'Stripe';
	/** The subscription state (nodes/shared/subscriptionProperties), only with Sync Subscription State. */
	subscriptionStatus?: string;
	subscriptionPlan?: string;
	trialEndsAt?: string;
	currentPeriodEndsAt?: string;
	cancelAtPeriodEnd?: boolean;
	stripeCustomerId?: string;
	mrr?: number;
	subscriptionCurrency?: string;
}

export interface StripeContactEvent extends IDataObject {
	name: string;
	properties: IDataObject;
	/** The Stripe event id: a Stripe retry never sends a second email. */
	idempotencyKey: string;
}

export interface StripeContactItem extends IDataObject {
	stripeEventId: string;
	stripeEventType: string;
	livemode: boolean;
	occurredAt: string;
	action: ContactAction;
	contact: StripeContact;
	event?: StripeContactEvent;
	stripe: {
		customerId?: string;
		objectId?: string;
		object?: IDataObject;
	};
}
