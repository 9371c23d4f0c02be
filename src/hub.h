/* Developer hubs (APS-2..APS-4), for the other nouns. Implemented in src/hub.c. */
#ifndef AL_HUB_H
#define AL_HUB_H

#include "core/txn.h"

/* Drop every hub administrator appointment of a removed account. */
int al_hub_forget_account(al_txn *t, autolic_id account);

#endif
