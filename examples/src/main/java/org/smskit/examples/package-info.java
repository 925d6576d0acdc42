/** Runnable examples (the main example lands with the examples issue). */
package org.smskit.examples;
