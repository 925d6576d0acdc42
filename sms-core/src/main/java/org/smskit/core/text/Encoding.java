package org.smskit.core.text;

import org.smskit.core.model.StoredEnum;

/** How a message body is encoded on the air: GSM 03.38 7-bit, or UCS-2 (16-bit) when any character is outside GSM-7. Stored in lower case. */
public enum Encoding implements StoredEnum {
  GSM7,
  UCS2
}
