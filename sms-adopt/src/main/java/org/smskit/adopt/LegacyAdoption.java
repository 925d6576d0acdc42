package org.smskit.adopt;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.ZoneId;
import java.util.function.IntConsumer;
import javax.sql.DataSource;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.KeyProvider;
import org.smskit.core.crypto.SecretCipher;
import org.smskit.jooq.schema.SchemaConfig;

/**
 * Adopts an installation of the legacy {@code SMS_*} tables (shared/spec/sms-module-schema.md) into smskit's schema
 * without losing a value. The legacy tables are only read; smskit's schema is made by its own migrations and
 * filled by copy, in keyset batches that each commit with their progress, so a run stopped at any point resumes
 * where it stopped. A value that does not convert becomes NULL (or a documented fill where smskit requires one) and
 * its original goes to {@code <schema>_adoption.adoption_residue}, as does every value whose spelling changed.
 *
 * <pre>{@code
 * LegacyAdoption adoption = LegacyAdoption.builder(dataSource)
 *     .legacySchema("public").tenant(TenantId.of("acme")).defaultRegion("US")
 *     .legacyZone(ZoneId.of("America/New_York")).keys(keyProvider).build();
 * PreflightReport report = adoption.preflight();   // read-only
 * AdoptionSummary summary = adoption.adopt();      // copy, convert, cut over; rerun to resume
 * VerifyReport check = adoption.verify();          // every legacy value landed or is in residue
 * }</pre>
 */
public final class LegacyAdoption {
  final DataSource dataSource;
  final String legacySchema;
  final SchemaConfig target;
  final TenantId tenant;
  final String defaultRegion;
  final ZoneId legacyZone;
  final @Nullable SecretCipher cipher;
  final int batchSize;
  final Clock clock;
  final @Nullable IntConsumer afterBatch;

  private LegacyAdoption(Builder b) {
    this.dataSource = b.dataSource;
    this.legacySchema = b.legacySchema;
    this.target = b.target;
    this.tenant = b.tenant;
    this.defaultRegion = b.defaultRegion;
    this.legacyZone = b.legacyZone;
    this.cipher = b.keys == null ? null : new SecretCipher(b.keys);
    this.batchSize = b.batchSize;
    this.clock = b.clock;
    this.afterBatch = b.afterBatch;
  }

  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /** The schema holding progress and residue: the target schema's name with {@code _adoption}. */
  public String adoptionSchema() {
    return target.schema() + "_adoption";
  }

  /** Reads the legacy tables and reports what will not convert, per column, with examples. Writes nothing. */
  public PreflightReport preflight() {
    return new AdoptionRunner(this).preflight();
  }

  /**
   * Migrates smskit's schema, copies and converts every legacy row in batches (resuming after the last committed
   * batch), then cuts over: foreign keys re-added {@code NOT VALID} and validated, synthesised conversation
   * rollups counted. A rerun after the cut-over changes nothing.
   *
   * @throws InvalidInputException when the legacy tables are not found, or plaintext tokens exist and no key is set
   */
  public AdoptionSummary adopt() {
    return new AdoptionRunner(this).adopt();
  }

  /** Checks an adoption: cut over, every legacy value converted or in residue, constraints valid, tokens encrypted. */
  public VerifyReport verify() {
    return new AdoptionRunner(this).verify();
  }

  /** Configuration; every value but the data source has a default. */
  public static final class Builder {
    private final DataSource dataSource;
    private String legacySchema = "public";
    private SchemaConfig target = SchemaConfig.defaults();
    private TenantId tenant = TenantId.DEFAULT;
    private String defaultRegion = "US";
    private ZoneId legacyZone = ZoneId.of("UTC");
    private @Nullable KeyProvider keys;
    private int batchSize = 5_000;
    private Clock clock = Clock.systemUTC();
    private @Nullable IntConsumer afterBatch;

    private Builder(DataSource dataSource) {
      this.dataSource = requireNonNull(dataSource, "dataSource");
    }

    /** Where the legacy tables are (default {@code public}); their names are matched case-insensitively. */
    public Builder legacySchema(String schema) {
      if (schema == null || !schema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
        throw new InvalidInputException("legacy_schema", "must be a plain identifier");
      }
      this.legacySchema = schema;
      return this;
    }

    /** smskit's schema to adopt into (default {@link SchemaConfig#defaults()}). */
    public Builder target(SchemaConfig config) {
      this.target = requireNonNull(config, "config");
      return this;
    }

    /** The tenant every legacy row belongs to (default {@link TenantId#DEFAULT}). */
    public Builder tenant(TenantId tenant) {
      this.tenant = requireNonNull(tenant, "tenant");
      return this;
    }

    /** The region of phone numbers written without a country code (default {@code US}). */
    public Builder defaultRegion(String region) {
      if (region == null || !region.matches("[A-Z]{2}")) {
        throw new InvalidInputException("default_region", "must be an ISO 3166 alpha-2 code such as US");
      }
      this.defaultRegion = region;
      return this;
    }

    /** The zone of legacy timestamps written without one (default UTC); confirm it before adopting. */
    public Builder legacyZone(ZoneId zone) {
      this.legacyZone = requireNonNull(zone, "zone");
      return this;
    }

    /** The keys that encrypt plaintext auth tokens (the active key); required when the legacy table has any. */
    public Builder keys(KeyProvider keys) {
      this.keys = requireNonNull(keys, "keys");
      return this;
    }

    /** Rows per batch and transaction (default 5,000). */
    public Builder batchSize(int rows) {
      if (rows < 1 || rows > 100_000) {
        throw new InvalidInputException("batch_size", "must be between 1 and 100000");
      }
      this.batchSize = rows;
      return this;
    }

    /** The clock of the plausibility bound (now + 1 day) and of the fill of missing timestamps. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** Test hook: called with the number of batches committed so far, after each commit. */
    Builder afterBatch(IntConsumer hook) {
      this.afterBatch = hook;
      return this;
    }

    public LegacyAdoption build() {
      return new LegacyAdoption(this);
    }
  }
}
