package dev.hearth.queue.sqlite;

import dev.hearth.queue.spi.EventQueueException;
import dev.hearth.threads.HearthThreads;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The single writer of a SQLite database. Callers {@linkplain #execute hand it} units of work; its
 * thread takes every unit waiting at that moment (up to a batch size), runs them one after the other
 * in one transaction (a unit of several statements inside its own savepoint), commits once, and only
 * then answers each caller. So concurrent callers share one commit (and one disk sync), and a caller
 * learns of its change only once the change is committed.
 *
 * <p>A unit that fails is undone (a single statement by SQLite's statement atomicity, a larger unit
 * back to its savepoint) and fails alone; the others of the batch still commit. If the commit itself
 * fails, the transaction is rolled back and every unit of the batch fails.
 *
 * <p>Thread-safe. Owns the connection it is given and closes it on {@link #close()}. The connection's
 * transactions begin {@code IMMEDIATE}, so the writer holds SQLite's write lock between batches too:
 * it is the file's only writer.
 */
final class GroupCommitWriter implements AutoCloseable {

    /** A unit of work that runs on the writer's connection, inside the writer's transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(StatementCache statements) throws SQLException;
    }

    private sealed interface Request permits Job, Stop {}

    /** A unit of work, its caller's future, and (between running and commit) its outcome. */
    private static final class Job<T> implements Request {
        private final Work<T> work;
        private final boolean singleStatement;
        private final CompletableFuture<T> result = new CompletableFuture<>();
        private T value;
        private Throwable failure;

        Job(Work<T> work, boolean singleStatement) {
            this.work = work;
            this.singleStatement = singleStatement;
        }

        void runIn(StatementCache statements) throws SQLException {
            if (singleStatement) {
                try {
                    value = work.run(statements);
                } catch (SQLException | RuntimeException e) {
                    failure = e;
                }
                return;
            }
            statements.prepare("SAVEPOINT unit").execute();
            try {
                value = work.run(statements);
            } catch (SQLException | RuntimeException e) {
                failure = e;
                statements.prepare("ROLLBACK TO unit").execute();
            }
            statements.prepare("RELEASE unit").execute();
        }

        void committed() {
            if (failure == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(failure);
            }
        }

        void fail(Throwable cause) {
            result.completeExceptionally(cause);
        }
    }

    private record Stop() implements Request {}

    private final Connection connection;
    private final StatementCache statements;
    private final int maxBatchSize;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final Object admission = new Object();
    private final Thread thread;
    private boolean closed;

    GroupCommitWriter(Connection connection, int maxBatchSize, String threadName) throws SQLException {
        this.connection = connection;
        this.statements = new StatementCache(connection);
        this.maxBatchSize = maxBatchSize;
        connection.setAutoCommit(false);
        this.thread = HearthThreads.startDaemon(threadName, this::loop);
    }

    /**
     * Runs {@code work} in the writer's next transaction, inside a savepoint, and returns its result
     * once that transaction committed.
     *
     * @throws EventQueueException if the work or the commit failed, the writer is closed, or the
     *     calling thread was interrupted while waiting (the work may then still commit)
     */
    <T> T execute(Work<T> work) {
        return submit(new Job<>(work, false));
    }

    /**
     * Like {@link #execute}, without a savepoint, for work that changes the database with one
     * statement at most (SQLite undoes a failed statement by itself).
     */
    <T> T executeSingleStatement(Work<T> work) {
        return submit(new Job<>(work, true));
    }

    private <T> T submit(Job<T> job) {
        synchronized (admission) {
            if (closed) {
                throw new EventQueueException("the queue is closed");
            }
            requests.add(job);
        }
        try {
            return job.result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventQueueException(
                    "interrupted while waiting for the queue's commit; the change may or may not be committed", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new EventQueueException("the queue's database failed: " + cause.getMessage(), cause);
        }
    }

    /**
     * Lets the work already handed in finish, then stops the thread and closes the connection.
     * Idempotent.
     */
    @Override
    public void close() {
        synchronized (admission) {
            if (closed) {
                return;
            }
            closed = true;
            requests.add(new Stop());
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            statements.close();
        } catch (SQLException e) {
            throw new EventQueueException("closing the queue's write connection failed", e);
        }
    }

    private void loop() {
        List<Request> batch = new ArrayList<>(maxBatchSize);
        List<Job<?>> jobs = new ArrayList<>(maxBatchSize);
        boolean stopping = false;
        try {
            while (!stopping) {
                batch.clear();
                jobs.clear();
                batch.add(requests.take());
                requests.drainTo(batch, maxBatchSize - 1);
                for (Request request : batch) {
                    switch (request) {
                        case Job<?> job -> jobs.add(job);
                        case Stop stop -> stopping = true;
                    }
                }
                if (!jobs.isEmpty()) {
                    runBatch(jobs);
                }
            }
        } catch (InterruptedException e) {
            failAll(jobs, new EventQueueException("the queue's writer thread was interrupted", e));
            closeAdmission(new EventQueueException("the queue's writer thread was interrupted", e));
        } catch (RuntimeException e) {
            EventQueueException failure = new EventQueueException("the queue's writer failed: " + e.getMessage(), e);
            failAll(jobs, failure);
            closeAdmission(failure);
        }
    }

    private void runBatch(List<Job<?>> jobs) {
        try {
            for (Job<?> job : jobs) {
                job.runIn(statements);
            }
            connection.commit();
        } catch (SQLException e) {
            rollBackAfter(e);
            failAll(jobs, new EventQueueException("the queue's transaction failed and was rolled back: " + e.getMessage(), e));
            jobs.clear();
            return;
        }
        for (Job<?> job : jobs) {
            job.committed();
        }
        jobs.clear();
    }

    private void rollBackAfter(SQLException failure) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
    }

    private static void failAll(List<Job<?>> jobs, EventQueueException failure) {
        for (Job<?> job : jobs) {
            job.fail(failure);
        }
    }

    /** After the writer died: refuses new work and fails the work still waiting. */
    private void closeAdmission(EventQueueException failure) {
        List<Request> left = new ArrayList<>();
        synchronized (admission) {
            closed = true;
            requests.drainTo(left);
        }
        for (Request request : left) {
            switch (request) {
                case Job<?> job -> job.fail(failure);
                case Stop stop -> { }
            }
        }
    }
}
