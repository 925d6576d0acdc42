/** Placeholder until the twilio provider issue lands. */
package org.smskit.twilio;
