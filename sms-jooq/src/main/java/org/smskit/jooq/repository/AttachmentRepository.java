package org.smskit.jooq.repository;

import static org.smskit.jooq.generated.Tables.SMS_ATTACHMENTS;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.smskit.core.model.Attachment;
import org.smskit.jooq.generated.tables.records.SmsAttachmentsRecord;

/** Media of messages ({@code sms_attachments}); deleted with their message by the schema. */
public final class AttachmentRepository extends TableRepository<SmsAttachmentsRecord, Attachment> {

  AttachmentRepository(DSLContext dsl, String tenant) {
    super(dsl, tenant, "attachment", SMS_ATTACHMENTS, SMS_ATTACHMENTS.TENANT_ID, SMS_ATTACHMENTS.ID);
  }

  /** A message's attachments in the order they were added. */
  public List<Attachment> listByMessage(UUID messageId) {
    return dsl.selectFrom(SMS_ATTACHMENTS)
        .where(owned(), SMS_ATTACHMENTS.MESSAGE_ID.eq(messageId))
        .orderBy(SMS_ATTACHMENTS.CREATED_AT, SMS_ATTACHMENTS.ID)
        .fetch(this::toDomain);
  }

  /** The attachments of several messages, in the order they were added. */
  public List<Attachment> listByMessages(java.util.Collection<UUID> messageIds) {
    return dsl.selectFrom(SMS_ATTACHMENTS)
        .where(owned(), SMS_ATTACHMENTS.MESSAGE_ID.in(messageIds))
        .orderBy(SMS_ATTACHMENTS.CREATED_AT, SMS_ATTACHMENTS.ID)
        .fetch(this::toDomain);
  }

  public Optional<Attachment> findByProviderMediaSid(String providerMediaSid) {
    return dsl.selectFrom(SMS_ATTACHMENTS)
        .where(owned(), SMS_ATTACHMENTS.PROVIDER_MEDIA_SID.eq(providerMediaSid))
        .orderBy(SMS_ATTACHMENTS.CREATED_AT, SMS_ATTACHMENTS.ID)
        .limit(1)
        .fetchOptional(this::toDomain);
  }

  @Override
  Attachment toDomain(SmsAttachmentsRecord r) {
    return new Attachment(r.getId(), r.getMessageId(), r.getFileUrl(), r.getFileName(), r.getFileType(),
        r.getFileSize(), r.getMimeType(), r.getProviderMediaSid(), r.getCreatedAt());
  }

  @Override
  void fill(SmsAttachmentsRecord r, Attachment a) {
    r.setId(a.id());
    r.setMessageId(a.messageId());
    r.setFileUrl(a.fileUrl());
    r.setFileName(a.fileName());
    r.setFileType(a.fileType());
    r.setFileSize(a.fileSize());
    r.setMimeType(a.mimeType());
    r.setProviderMediaSid(a.providerMediaSid());
    r.setCreatedAt(a.createdAt());
  }

  @Override
  UUID idOf(Attachment value) {
    return value.id();
  }

  @Override
  List<Field<Instant>> bookkeepingTimestamps() {
    return List.of(SMS_ATTACHMENTS.CREATED_AT);
  }
}
