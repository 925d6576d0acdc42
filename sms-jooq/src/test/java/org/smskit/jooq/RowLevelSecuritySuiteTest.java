package org.smskit.jooq;

import org.junit.jupiter.api.Nested;

/**
 * The service's own tests again, under row level security: every call runs as the application role (a pool of
 * two, confined by the policies to the tenant each transaction sets), dispatch as the worker role, and the owner
 * migrates. A query that forgot to set its tenant, or work across tenants on the application pool, finds nothing
 * and fails these tests.
 */
class RowLevelSecuritySuiteTest {
  @Nested
  class Sending extends SendingTest {
    @Override
    boolean rowLevelSecurity() {
      return true;
    }
  }

  @Nested
  class HostTransactions extends HostTransactionTest {
    @Override
    boolean rowLevelSecurity() {
      return true;
    }
  }

  @Nested
  class Inbound extends InboundTest {
    @Override
    boolean rowLevelSecurity() {
      return true;
    }
  }

  @Nested
  class StatusCallbacks extends StatusCallbackTest {
    @Override
    boolean rowLevelSecurity() {
      return true;
    }
  }

  @Nested
  class Conversations extends ConversationTest {
    @Override
    boolean rowLevelSecurity() {
      return true;
    }
  }

  @Nested
  class Bulk extends BulkSendTest {
    @Override
    boolean rowLevelSecurity() {
      return true;
    }
  }

  @Nested
  class Dispatchers extends DispatcherTest {
    @Override
    boolean rowLevelSecurity() {
      return true;
    }
  }

  @Nested
  class Analysis extends ConversationAnalysisTest {
    @Override
    boolean rowLevelSecurity() {
      return true;
    }
  }

  @Nested
  class DeliveryReports extends DeliveryAnalyticsTest {
    @Override
    boolean rowLevelSecurity() {
      return true;
    }
  }

  @Nested
  class LostCommits extends LostCommitTest {
    @Override
    boolean rowLevelSecurity() {
      return true;
    }
  }
}
