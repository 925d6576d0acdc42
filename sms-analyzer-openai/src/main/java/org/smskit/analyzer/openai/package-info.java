/**
 * A conversation analyzer over an OpenAI-compatible chat-completions API: {@link
 * org.smskit.analyzer.openai.OpenAiAnalyzerFactory} (SPI name {@code openai}) creates it from an {@link
 * org.smskit.core.analysis.AnalyzerConfig}. Everything else in this package is internal. Settings, the request sent,
 * the error codes and the retry policy are described in the module's README.
 */
package org.smskit.analyzer.openai;
