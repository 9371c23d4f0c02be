/**
 * @file autolic.h
 * @brief Umbrella header: includes every public libautolic header.
 */
#ifndef AUTOLIC_H
#define AUTOLIC_H

#include "autolic/common.h"
#include "autolic/sys/storage.h"
#include "autolic/sys/journal.h"
#include "autolic/db.h"
#include "autolic/account.h"
#include "autolic/team.h"
#include "autolic/contract.h"
#include "autolic/hub.h"
#include "autolic/notification.h"
#include "autolic/flex.h"
#include "autolic/ops.h"
#include "autolic/seat.h"

#endif
