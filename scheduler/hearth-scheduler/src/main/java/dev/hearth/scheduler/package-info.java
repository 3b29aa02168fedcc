/**
 * Hearth's schedules: EventBridge Scheduler's API subset ({@link dev.hearth.scheduler.SchedulerApi}
 * over {@link dev.hearth.scheduler.Schedules}) and the durable engine that fires them at Lambda
 * functions ({@link dev.hearth.scheduler.ScheduleEngine}), one SQLite database per account and region.
 */
package dev.hearth.scheduler;
