/**
 * The Twilio Programmable Messaging provider: {@link org.smskit.twilio.TwilioProviderFactory} (SPI name
 * {@code twilio}) creates a {@link org.smskit.twilio.TwilioProvider} per sender account. Everything else in this
 * package is internal. Settings, error classification, status mapping and webhook set-up are described in the
 * module's README.
 */
package org.smskit.twilio;
