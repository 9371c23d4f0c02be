/*
 * Cascades, internal: the steps above the nouns that other cascades share.
 * Implemented in src/cascade.c; the nouns never include this header.
 */
#ifndef AL_CASCADE_H
#define AL_CASCADE_H

#include "core/txn.h"

/* SEAM-2, ROLE-3: `account`, an active secondary administrator of `team`,
 * becomes its primary administrator and the manager of every one of its
 * contracts, in `t`; the former primary becomes a secondary administrator.
 * Refused (nothing written) with AUTOLIC_ESTATE naming ROLE-3 when `account`
 * is not one, or while a contract of the team is on automatic renewal.
 * Everyone concerned is notified. The caller has checked the actor. */
int al_hand_over(al_txn *t, autolic_id team, autolic_id account);

#endif
