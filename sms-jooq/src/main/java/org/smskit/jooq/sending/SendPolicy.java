package org.smskit.jooq.sending;

import org.smskit.core.Nullable;
import org.smskit.jooq.inbox.ConversationScope;
import org.smskit.jooq.optout.OptOutPolicy;

/** How a service sends: what a conversation is, sticky senders, quiet hours, opt-outs. */
record SendPolicy(ConversationScope conversationScope, boolean stickySender, @Nullable QuietHours quietHours,
    OptOutPolicy optOuts) {}
