/* The names of the public enums' values (the `_name()` calls): the lower-case
 * suffix of each constant, "unknown" for a value this library does not know. */
#include "autolic.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char unknown[] = "unknown";

/* names[v - first], or "unknown". */
static const char *pick(const char *const *names, size_t n, int first, int v)
{
	if (v < first || (size_t)(v - first) >= n || !names[v - first])
		return unknown;
	return names[v - first];
}

const char *autolic_account_state_name(int state)
{
	static const char *const n[] = {"invited", "active", "expired", "removed"};
	return pick(n, N(n), AUTOLIC_ACCOUNT_INVITED, state);
}

const char *autolic_import_format_name(int format)
{
	static const char *const n[] = {"list", "csv"};
	return pick(n, N(n), AUTOLIC_IMPORT_LIST, format);
}

const char *autolic_team_role_name(int role)
{
	static const char *const n[] = {"none", "primary", "secondary", "user"};
	return pick(n, N(n), AUTOLIC_TEAM_NONE, role);
}

const char *autolic_contract_status_name(int status)
{
	static const char *const n[] = {"pending", "active", "expired"};
	return pick(n, N(n), AUTOLIC_CONTRACT_PENDING, status);
}

const char *autolic_event_type_name(int type)
{
	static const char *const n[] = {
	    "invitation_sent",    "invitation_resent",    "role_changed",       "order_confirmed",
	    "seat_granted",       "seat_revoked",         "flex_assigned",      "flex_low_balance",
	    "flex_session_ended", "operator_deactivated", "download_available", "payment_late",
	    "flex_lot_expired"};
	return pick(n, N(n), AUTOLIC_EVENT_INVITATION_SENT, type);
}

const char *autolic_seat_origin_name(int origin)
{
	static const char *const n[] = {"grant", "access", "import"};
	return pick(n, N(n), AUTOLIC_SEAT_ORIGIN_GRANT, origin);
}

const char *autolic_seat_action_name(int action)
{
	static const char *const n[] = {"keep", "grant", "revoke"};
	return pick(n, N(n), AUTOLIC_SEAT_KEEP, action);
}

const char *autolic_flex_entry_type_name(int type)
{
	static const char *const n[] = {"purchase", "consume", "refund", "expire",
	                                "move_out", "move_in", "adjust"};
	return pick(n, N(n), AUTOLIC_FLEX_PURCHASE, type);
}

const char *autolic_flex_report_kind_name(int kind)
{
	static const char *const n[] = {"launch", "activity", "idle", "close"};
	return pick(n, N(n), AUTOLIC_FLEX_LAUNCH, kind);
}

const char *autolic_flex_reason_name(int reason)
{
	static const char *const n[] = {"none", "charged", "in_window",
	                                "seat", "trial",   "refunded"};
	return pick(n, N(n), AUTOLIC_FLEX_REASON_NONE, reason);
}

const char *autolic_ops_kind_name(int kind)
{
	static const char *const n[] = {"user", "shop_floor"};
	return pick(n, N(n), AUTOLIC_OPS_USER, kind);
}

const char *autolic_ops_hub_state_name(int state)
{
	static const char *const n[] = {"trial", "trial_ended", "provisioned"};
	return pick(n, N(n), AUTOLIC_OPS_HUB_TRIAL, state);
}

const char *autolic_ops_payment_state_name(int state)
{
	static const char *const n[] = {"ok", "warning", "blocked"};
	return pick(n, N(n), AUTOLIC_OPS_PAYMENT_OK, state);
}

const char *autolic_ops_reason_name(int reason)
{
	static const char *const n[] = {"none", "manual", "user", "licences"};
	return pick(n, N(n), AUTOLIC_OPS_REASON_NONE, reason);
}

const char *autolic_object_kind_name(int kind)
{
	static const char *const n[] = {"none", "account", "team",    "contract",     "product",
	                                "lot",  "session", "ops_hub", "subscription", "operator",
	                                "hub",  "app",     "argument"};
	return pick(n, N(n), AUTOLIC_OBJECT_NONE, kind);
}

const char *autolic_error_unit_name(int unit)
{
	static const char *const n[] = {"count", "time", "seconds"};
	return pick(n, N(n), AUTOLIC_UNIT_COUNT, unit);
}
