// Schemas of the values that cross the contract (jobs, settings, doctor report, store stats); imported by every process.
import { z } from 'zod';

export const Theme = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof Theme>;

export const Settings = z.object({
  theme: Theme,
  reducedMotion: z.boolean(),
});
export type Settings = z.infer<typeof Settings>;

export const JobKind = z.enum(['store.verify', 'store.gc']);
export type JobKind = z.infer<typeof JobKind>;

export const JobState = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted']);
export type JobState = z.infer<typeof JobState>;

export const JobId = z.string().regex(/^job_[0-9a-f]{16}$/, 'a job id looks like job_ followed by 16 hex digits');

export const JobProgress = z.object({
  fraction: z.number().min(0).max(1),
  message: z.string(),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const Job = z.object({
  id: JobId,
  kind: JobKind,
  title: z.string(),
  state: JobState,
  progress: JobProgress,
  result: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).nullable(),
  error: z.string().nullable(),
  resumable: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Job = z.infer<typeof Job>;

export const CheckStatus = z.enum(['ok', 'warning', 'missing']);
export const DoctorCheck = z.object({
  id: z.string(),
  label: z.string(),
  status: CheckStatus,
  required: z.boolean(),
  detail: z.string(),
  fix: z.string().nullable(),
});
export type DoctorCheck = z.infer<typeof DoctorCheck>;

export const DoctorReport = z.object({
  checks: z.array(DoctorCheck),
  ok: z.boolean(),
});
export type DoctorReport = z.infer<typeof DoctorReport>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  home: z.string(),
  platform: z.string(),
  arch: z.string(),
  node: z.string(),
  electron: z.string().nullable(),
  transport: z.enum(['electron', 'loopback']),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const StoreStats = z.object({
  blobCount: z.number().int().nonnegative(),
  blobBytes: z.number().int().nonnegative(),
  unreferencedBlobs: z.number().int().nonnegative(),
  databaseBytes: z.number().int().nonnegative(),
  schemaVersion: z.number().int().nonnegative(),
});
export type StoreStats = z.infer<typeof StoreStats>;
