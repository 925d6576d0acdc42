/**
 * The Vonage provider: {@link org.smskit.vonage.VonageProviderFactory} makes a
 * {@link org.smskit.vonage.VonageProvider} per sender account, which sends text through Vonage's SMS API and
 * one-image MMS through the Messages API, and verifies and reads Vonage's webhooks. Depends on sms-core, OkHttp
 * and Jackson only; never on Vonage's SDK.
 */
package org.smskit.vonage;
