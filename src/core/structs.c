#include "structs.h"
#include "error.h"
#include "autolic.h"

#include <stdalign.h>
#include <string.h>

/* The bytes of a version: up to the end of its last field. */
#define UPTO(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))

/*
 * The size of each version of each struct, oldest first. A struct that grows
 * gains one line here, UPTO(its type, its new last field), beside the new
 * field and the raised version in its header; the assertions below and the
 * abi_structs test fail until both agree.
 */
static const size_t account_spec[] = {UPTO(autolic_account_spec, language)};
static const size_t account_info[] = {UPTO(autolic_account_info, invited_by)};
static const size_t team_spec[] = {UPTO(autolic_team_spec, name)};
static const size_t team_info[] = {UPTO(autolic_team_info, created)};
static const size_t team_membership[] = {UPTO(autolic_team_membership, role)};
static const size_t contract_product_spec[] = {UPTO(autolic_contract_product_spec, serial)};
static const size_t contract_spec[] = {UPTO(autolic_contract_spec, auto_renew)};
static const size_t contract_info[] = {UPTO(autolic_contract_info, nproducts)};
static const size_t contract_product_info[] = {UPTO(autolic_contract_product_info, bought)};
static const size_t contract_member[] = {UPTO(autolic_contract_member, state)};
static const size_t seat_summary[] = {UPTO(autolic_seat_summary, active)};
static const size_t seat_entry[] = {UPTO(autolic_seat_entry, active)};
static const size_t seat_result[] = {UPTO(autolic_seat_result, message)};
static const size_t hub_info[] = {UPTO(autolic_hub_info, created_by)};
static const size_t app_info[] = {UPTO(autolic_app_info, created)};
static const size_t flex_product_info[] = {UPTO(autolic_flex_product_info, rate_since)};
static const size_t flex_policy[] = {UPTO(autolic_flex_policy, low_threshold)};
static const size_t flex_team_info[] = {UPTO(autolic_flex_team_info, low)};
static const size_t flex_lot_spec[] = {UPTO(autolic_flex_lot_spec, purchased)};
static const size_t flex_lot_info[] = {UPTO(autolic_flex_lot_info, expired)};
static const size_t flex_user_spec[] = {UPTO(autolic_flex_user_spec, by_import)};
static const size_t flex_report_spec[] = {UPTO(autolic_flex_report_spec, account)};
static const size_t flex_result[] = {UPTO(autolic_flex_result, ended_at)};
static const size_t flex_entry[] = {UPTO(autolic_flex_entry, subscription)};
static const size_t flex_usage_row[] = {UPTO(autolic_flex_usage_row, lots)};
static const size_t ops_hub_spec[] = {UPTO(autolic_ops_hub_spec, trial_operators)};
static const size_t ops_hub_info[] = {UPTO(autolic_ops_hub_info, payment_days_left)};
static const size_t ops_subscription_spec[] = {UPTO(autolic_ops_subscription_spec, end)};
static const size_t ops_subscription_info[] = {UPTO(autolic_ops_subscription_info, active)};
static const size_t ops_licence_info[] = {UPTO(autolic_ops_licence_info, shop_floor_available)};
static const size_t ops_operator_spec[] = {UPTO(autolic_ops_operator_spec, name)};
static const size_t ops_operator_info[] = {UPTO(autolic_ops_operator_info, production_count)};
static const size_t db_options[] = {UPTO(autolic_db_options, max_retries),
                                    UPTO(autolic_db_options, retry_budget_ms)};
static const size_t journal_options[] = {UPTO(autolic_journal_options, allocator)};
static const size_t storage[] = {UPTO(autolic_storage, rollback_to)};
static const size_t error_info[] = {UPTO(autolic_error_info, message)};

/* The defaults of the structs that have an `_INIT` macro. */
static const autolic_account_spec account_spec_init = AUTOLIC_ACCOUNT_SPEC_INIT;
static const autolic_team_spec team_spec_init = AUTOLIC_TEAM_SPEC_INIT;
static const autolic_contract_product_spec contract_product_spec_init =
    AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
static const autolic_contract_spec contract_spec_init = AUTOLIC_CONTRACT_SPEC_INIT;
static const autolic_flex_policy flex_policy_init = AUTOLIC_FLEX_POLICY_INIT;
static const autolic_flex_lot_spec flex_lot_spec_init = AUTOLIC_FLEX_LOT_SPEC_INIT;
static const autolic_flex_user_spec flex_user_spec_init = AUTOLIC_FLEX_USER_SPEC_INIT;
static const autolic_flex_report_spec flex_report_spec_init = AUTOLIC_FLEX_REPORT_SPEC_INIT;
static const autolic_ops_hub_spec ops_hub_spec_init = AUTOLIC_OPS_HUB_SPEC_INIT;
static const autolic_ops_subscription_spec ops_subscription_spec_init =
    AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT;
static const autolic_ops_operator_spec ops_operator_spec_init = AUTOLIC_OPS_OPERATOR_SPEC_INIT;
static const autolic_db_options db_options_init = AUTOLIC_DB_OPTIONS_INIT;
static const autolic_journal_options journal_options_init = AUTOLIC_JOURNAL_OPTIONS_INIT;

#define NSIZES(v) (sizeof(v) / sizeof((v)[0]))
/* One row: the header's newest version must be the number of sizes. */
#define ROW(kind, type, newest, v, def)                                                            \
	[kind] = {#type,                                                                           \
	          v,                                                                               \
	          NSIZES(v) + 0 * sizeof(char[NSIZES(v) == (newest) ? 1 : -1]),                    \
	          sizeof(type),                                                                    \
	          alignof(type),                                                                   \
	          def}

static const al_struct_row rows[AL_STRUCT_COUNT] = {
    ROW(AL_ACCOUNT_SPEC, autolic_account_spec, AUTOLIC_ACCOUNT_SPEC_VERSION, account_spec,
        &account_spec_init),
    ROW(AL_ACCOUNT_INFO, autolic_account_info, AUTOLIC_ACCOUNT_INFO_VERSION, account_info, NULL),
    ROW(AL_TEAM_SPEC, autolic_team_spec, AUTOLIC_TEAM_SPEC_VERSION, team_spec, &team_spec_init),
    ROW(AL_TEAM_INFO, autolic_team_info, AUTOLIC_TEAM_INFO_VERSION, team_info, NULL),
    ROW(AL_TEAM_MEMBERSHIP, autolic_team_membership, AUTOLIC_TEAM_MEMBERSHIP_VERSION,
        team_membership, NULL),
    ROW(AL_CONTRACT_PRODUCT_SPEC, autolic_contract_product_spec,
        AUTOLIC_CONTRACT_PRODUCT_SPEC_VERSION, contract_product_spec, &contract_product_spec_init),
    ROW(AL_CONTRACT_SPEC, autolic_contract_spec, AUTOLIC_CONTRACT_SPEC_VERSION, contract_spec,
        &contract_spec_init),
    ROW(AL_CONTRACT_INFO, autolic_contract_info, AUTOLIC_CONTRACT_INFO_VERSION, contract_info,
        NULL),
    ROW(AL_CONTRACT_PRODUCT_INFO, autolic_contract_product_info,
        AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION, contract_product_info, NULL),
    ROW(AL_CONTRACT_MEMBER, autolic_contract_member, AUTOLIC_CONTRACT_MEMBER_VERSION,
        contract_member, NULL),
    ROW(AL_SEAT_SUMMARY, autolic_seat_summary, AUTOLIC_SEAT_SUMMARY_VERSION, seat_summary, NULL),
    ROW(AL_SEAT_ENTRY, autolic_seat_entry, AUTOLIC_SEAT_ENTRY_VERSION, seat_entry, NULL),
    ROW(AL_SEAT_RESULT, autolic_seat_result, AUTOLIC_SEAT_RESULT_VERSION, seat_result, NULL),
    ROW(AL_HUB_INFO, autolic_hub_info, AUTOLIC_HUB_INFO_VERSION, hub_info, NULL),
    ROW(AL_APP_INFO, autolic_app_info, AUTOLIC_APP_INFO_VERSION, app_info, NULL),
    ROW(AL_FLEX_PRODUCT_INFO, autolic_flex_product_info, AUTOLIC_FLEX_PRODUCT_INFO_VERSION,
        flex_product_info, NULL),
    ROW(AL_FLEX_POLICY, autolic_flex_policy, AUTOLIC_FLEX_POLICY_VERSION, flex_policy,
        &flex_policy_init),
    ROW(AL_FLEX_TEAM_INFO, autolic_flex_team_info, AUTOLIC_FLEX_TEAM_INFO_VERSION, flex_team_info,
        NULL),
    ROW(AL_FLEX_LOT_SPEC, autolic_flex_lot_spec, AUTOLIC_FLEX_LOT_SPEC_VERSION, flex_lot_spec,
        &flex_lot_spec_init),
    ROW(AL_FLEX_LOT_INFO, autolic_flex_lot_info, AUTOLIC_FLEX_LOT_INFO_VERSION, flex_lot_info,
        NULL),
    ROW(AL_FLEX_USER_SPEC, autolic_flex_user_spec, AUTOLIC_FLEX_USER_SPEC_VERSION, flex_user_spec,
        &flex_user_spec_init),
    ROW(AL_FLEX_REPORT_SPEC, autolic_flex_report_spec, AUTOLIC_FLEX_REPORT_SPEC_VERSION,
        flex_report_spec, &flex_report_spec_init),
    ROW(AL_FLEX_RESULT, autolic_flex_result, AUTOLIC_FLEX_RESULT_VERSION, flex_result, NULL),
    ROW(AL_FLEX_ENTRY, autolic_flex_entry, AUTOLIC_FLEX_ENTRY_VERSION, flex_entry, NULL),
    ROW(AL_FLEX_USAGE_ROW, autolic_flex_usage_row, AUTOLIC_FLEX_USAGE_ROW_VERSION, flex_usage_row,
        NULL),
    ROW(AL_OPS_HUB_SPEC, autolic_ops_hub_spec, AUTOLIC_OPS_HUB_SPEC_VERSION, ops_hub_spec,
        &ops_hub_spec_init),
    ROW(AL_OPS_HUB_INFO, autolic_ops_hub_info, AUTOLIC_OPS_HUB_INFO_VERSION, ops_hub_info, NULL),
    ROW(AL_OPS_SUBSCRIPTION_SPEC, autolic_ops_subscription_spec,
        AUTOLIC_OPS_SUBSCRIPTION_SPEC_VERSION, ops_subscription_spec, &ops_subscription_spec_init),
    ROW(AL_OPS_SUBSCRIPTION_INFO, autolic_ops_subscription_info,
        AUTOLIC_OPS_SUBSCRIPTION_INFO_VERSION, ops_subscription_info, NULL),
    ROW(AL_OPS_LICENCE_INFO, autolic_ops_licence_info, AUTOLIC_OPS_LICENCE_INFO_VERSION,
        ops_licence_info, NULL),
    ROW(AL_OPS_OPERATOR_SPEC, autolic_ops_operator_spec, AUTOLIC_OPS_OPERATOR_SPEC_VERSION,
        ops_operator_spec, &ops_operator_spec_init),
    ROW(AL_OPS_OPERATOR_INFO, autolic_ops_operator_info, AUTOLIC_OPS_OPERATOR_INFO_VERSION,
        ops_operator_info, NULL),
    ROW(AL_DB_OPTIONS, autolic_db_options, AUTOLIC_DB_OPTIONS_VERSION, db_options,
        &db_options_init),
    ROW(AL_JOURNAL_OPTIONS, autolic_journal_options, AUTOLIC_JOURNAL_OPTIONS_VERSION,
        journal_options, &journal_options_init),
    ROW(AL_STORAGE, autolic_storage, AUTOLIC_STORAGE_VERSION, storage, NULL),
    ROW(AL_ERROR_INFO, autolic_error_info, AUTOLIC_ERROR_INFO_VERSION, error_info, NULL),
};

/* Rows the tests put in place of the table's (al_struct_override). */
static const al_struct_row *override[AL_STRUCT_COUNT];

const al_struct_row *al_struct_get(al_struct kind)
{
	return override[kind] ? override[kind] : &rows[kind];
}

const al_struct_row *al_struct_override(al_struct kind, const al_struct_row *row)
{
	const al_struct_row *old = override[kind];
	override[kind] = row;
	return old;
}

static int row_check(const al_struct_row *row, unsigned int version)
{
	return al_version_check(version, row->versions, row->name);
}

int al_struct_check(al_struct kind, unsigned int version)
{
	return row_check(al_struct_get(kind), version);
}

size_t al_struct_size(al_struct kind, unsigned int version)
{
	const al_struct_row *row = al_struct_get(kind);
	return version == 0 || version > row->versions ? 0 : row->sizes[version - 1];
}

size_t al_struct_stride(al_struct kind, unsigned int version)
{
	size_t n = al_struct_size(kind, version), al = al_struct_get(kind)->align;
	return (n + al - 1) / al * al;
}

static unsigned int version_of(const void *s)
{
	unsigned int v;
	memcpy(&v, s, sizeof v);
	return v;
}

int al_copy_out_row(void *dst, const void *src, const al_struct_row *row)
{
	unsigned int v = version_of(dst);
	int rc = row_check(row, v);
	if (rc)
		return rc;
	memcpy((char *)dst + sizeof v, (const char *)src + sizeof v, row->sizes[v - 1] - sizeof v);
	return 0;
}

int al_copy_in_row(void *dst, const void *src, const al_struct_row *row)
{
	unsigned int v = version_of(src);
	int rc = row_check(row, v);
	if (rc)
		return rc;
	if (row->defaults)
		memcpy(dst, row->defaults, row->full);
	else
		memset(dst, 0, row->full);
	memcpy(dst, src, row->sizes[v - 1]);
	return 0;
}

int al_struct_init_row(void *dst, const al_struct_row *row, unsigned int version)
{
	if (!dst)
		return al_err(AUTOLIC_EINVAL, "%s: the struct to initialise is NULL", row->name);
	int rc = row_check(row, version);
	if (rc)
		return rc;
	size_t n = row->sizes[version - 1];
	if (row->defaults)
		memcpy(dst, row->defaults, n);
	else
		memset(dst, 0, n);
	memcpy(dst, &version, sizeof version);
	return 0;
}

int al_copy_out(void *dst, const void *src, al_struct kind)
{
	return al_copy_out_row(dst, src, al_struct_get(kind));
}

int al_copy_in(void *dst, const void *src, al_struct kind)
{
	return al_copy_in_row(dst, src, al_struct_get(kind));
}

int al_struct_init(void *dst, al_struct kind, unsigned int version)
{
	return al_struct_init_row(dst, al_struct_get(kind), version);
}

/* ---- the public `_init()` calls ---- */

int autolic_account_spec_init(autolic_account_spec *s, unsigned int version)
{
	return al_struct_init(s, AL_ACCOUNT_SPEC, version);
}

int autolic_team_spec_init(autolic_team_spec *s, unsigned int version)
{
	return al_struct_init(s, AL_TEAM_SPEC, version);
}

int autolic_contract_product_spec_init(autolic_contract_product_spec *s, unsigned int version)
{
	return al_struct_init(s, AL_CONTRACT_PRODUCT_SPEC, version);
}

int autolic_contract_spec_init(autolic_contract_spec *s, unsigned int version)
{
	return al_struct_init(s, AL_CONTRACT_SPEC, version);
}

int autolic_flex_policy_init(autolic_flex_policy *s, unsigned int version)
{
	return al_struct_init(s, AL_FLEX_POLICY, version);
}

int autolic_flex_lot_spec_init(autolic_flex_lot_spec *s, unsigned int version)
{
	return al_struct_init(s, AL_FLEX_LOT_SPEC, version);
}

int autolic_flex_user_spec_init(autolic_flex_user_spec *s, unsigned int version)
{
	return al_struct_init(s, AL_FLEX_USER_SPEC, version);
}

int autolic_flex_report_spec_init(autolic_flex_report_spec *s, unsigned int version)
{
	return al_struct_init(s, AL_FLEX_REPORT_SPEC, version);
}

int autolic_ops_hub_spec_init(autolic_ops_hub_spec *s, unsigned int version)
{
	return al_struct_init(s, AL_OPS_HUB_SPEC, version);
}

int autolic_ops_subscription_spec_init(autolic_ops_subscription_spec *s, unsigned int version)
{
	return al_struct_init(s, AL_OPS_SUBSCRIPTION_SPEC, version);
}

int autolic_ops_operator_spec_init(autolic_ops_operator_spec *s, unsigned int version)
{
	return al_struct_init(s, AL_OPS_OPERATOR_SPEC, version);
}

int autolic_storage_init(autolic_storage *s, unsigned int version)
{
	return al_struct_init(s, AL_STORAGE, version);
}
