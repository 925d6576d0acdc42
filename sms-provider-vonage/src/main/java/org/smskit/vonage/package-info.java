/** Placeholder until the vonage provider issue lands. */
package org.smskit.vonage;
