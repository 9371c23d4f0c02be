#include "error.h"
#include "autolic/sys/storage.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MSG_MAX 512

static _Thread_local char msg[MSG_MAX];
static _Thread_local char storage_msg[MSG_MAX];

const char *autolic_strerror(int code)
{
	switch (code) {
	case AUTOLIC_OK: return "success";
	case AUTOLIC_ERROR: return "error";
	case AUTOLIC_EINVAL: return "invalid argument";
	case AUTOLIC_ENOMEM: return "out of memory";
	case AUTOLIC_ENOTFOUND: return "not found";
	case AUTOLIC_EEXISTS: return "already exists";
	case AUTOLIC_EPERM: return "permission denied";
	case AUTOLIC_ENOSEAT: return "all seats in use";
	case AUTOLIC_ENOTOKENS: return "not enough tokens";
	case AUTOLIC_ENOLICENCE: return "no valid licence";
	case AUTOLIC_ENOOPLICENCE: return "all licences for operators are in use";
	case AUTOLIC_EEXPIRED: return "expired";
	case AUTOLIC_ECONFLICT: return "storage conflict persisted past the retry limit";
	case AUTOLIC_ELOCKED: return "store is locked by another process";
	case AUTOLIC_ECORRUPT: return "stored data is corrupt";
	case AUTOLIC_ESTORAGE: return "storage failure";
	case AUTOLIC_EABORTED: return "aborted";
	case AUTOLIC_EVERSION: return "unsupported version";
	case AUTOLIC_ESTATE: return "not valid in the current state";
	case AUTOLIC_EREADONLY: return "read-only";
	case AUTOLIC_EBUSY: return "busy";
	case AUTOLIC_ITEROVER: return "no more items";
	case AUTOLIC_EDUPLICATE: return "duplicate report";
	default: return "unknown error";
	}
}

const char *autolic_errmsg(void) { return msg; }

int al_err(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return code;
}

void al_err_clear(void) { msg[0] = 0; }

void al_err_prefix(const char *fmt, ...)
{
	char head[MSG_MAX], old[MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	memcpy(old, msg, sizeof old);
	size_t h = strlen(head);
	if (h > MSG_MAX - 3)
		h = MSG_MAX - 3;
	memcpy(msg, head, h);
	memcpy(msg + h, ": ", 2);
	size_t o = strlen(old);
	if (o > MSG_MAX - 3 - h)
		o = MSG_MAX - 3 - h;
	memcpy(msg + h + 2, old, o);
	msg[h + 2 + o] = 0;
}

void autolic_storage_set_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(storage_msg, sizeof storage_msg, fmt, ap);
	va_end(ap);
}

const char *al_err_take_storage(void)
{
	static _Thread_local char taken[MSG_MAX];
	memcpy(taken, storage_msg, sizeof taken);
	storage_msg[0] = 0;
	return taken;
}

int autolic_storage_result(int rc)
{
	if (!rc) {
		al_err_clear();
		return 0;
	}
	return al_err(rc, "%s", storage_msg[0] ? storage_msg : autolic_strerror(rc));
}

int al_version_check(unsigned int v, unsigned int known, const char *what)
{
	if (v == 0 || v > known)
		return al_err(AUTOLIC_EVERSION, "%s version %u is not supported (1..%u)", what, v,
		              known);
	return 0;
}
