package org.smskit.core;

/** The named row does not exist for the current tenant. */
public class NotFoundException extends SmsException {
  private static final long serialVersionUID = 1L;

  private final String entity;
  private final String key;

  public NotFoundException(String entity, Object key) {
    super(entity + " not found: " + key);
    this.entity = entity;
    this.key = String.valueOf(key);
  }

  public String entity() {
    return entity;
  }

  public String key() {
    return key;
  }
}
