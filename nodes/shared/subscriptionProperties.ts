/**
 * The Loops contact properties that carry a person's Stripe subscription state,
 * with the Loops property type each must have. The trigger fills them (when
 * "Sync Subscription State" is on); Stripe Sync → Apply writes them and creates
 * the ones missing in Loops.
 */
export type LoopsPropertyType = 'string' | 'number' | 'boolean' | 'date';

export const SUBSCRIPTION_CONTACT_PROPERTIES = {
	/** Stripe's status: trialing, active, past_due, paused, canceled, unpaid, incomplete, incomplete_expired. */
	subscriptionStatus: 'string',
	/** Product names of the subscription's items (else the price nicknames), comma-separated. */
	subscriptionPlan: 'string',
	/** ISO 8601. */
	trialEndsAt: 'date',
	/** ISO 8601: when the current billing period ends (renewal, or the end after cancel at period end). */
	currentPeriodEndsAt: 'date',
	cancelAtPeriodEnd: 'boolean',
	stripeCustomerId: 'string',
	/** Monthly recurring amount in minor units of subscriptionCurrency; 0 unless active or past due. */
	mrr: 'number',
	subscriptionCurrency: 'string',
} as const satisfies Record<string, LoopsPropertyType>;

export type SubscriptionPropertyName = keyof typeof SUBSCRIPTION_CONTACT_PROPERTIES;

export const SUBSCRIPTION_PROPERTY_NAMES = Object.keys(SUBSCRIPTION_CONTACT_PROPERTIES) as SubscriptionPropertyName[];
