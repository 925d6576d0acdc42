package org.smskit.core.model;

/**
 * Which of our senders an opt-out covers. Stored in lower case.
 *
 * <ul>
 *   <li>{@code ALL}: every sender of the tenant;
 *   <li>{@code MARKETING}: marketing and campaign services (transactional services may still send when the
 *       host allows it);
 *   <li>{@code SERVICE}: one messaging service;
 *   <li>{@code CAMPAIGN}: every service linked to one host campaign.
 * </ul>
 */
public enum OptOutScope implements StoredEnum {
  ALL,
  MARKETING,
  SERVICE,
  CAMPAIGN
}
