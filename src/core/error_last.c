/* autolic_error_last(): the calling thread's last failure, copied out as the
 * caller's version of autolic_error_info (src/core/structs.h). Apart from
 * src/core/error.c, which the struct table itself calls. */
#include "error.h"
#include "structs.h"

int autolic_error_last(autolic_error_info *out)
{
	/* checked here, not by al_struct_check(): a refusal would replace the
	 * failure this call reports */
	if (!out)
		return AUTOLIC_EINVAL;
	if (!al_struct_size(AL_ERROR_INFO, out->version))
		return AUTOLIC_EVERSION;
	autolic_error_info e;
	al_err_snapshot(&e);
	return al_copy_out(out, &e, AL_ERROR_INFO);
}
