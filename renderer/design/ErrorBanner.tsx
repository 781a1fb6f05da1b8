// Error banner: the message, the field issues if any, and optional retry and dismiss; renderer.
import { LikenessError } from '../../main/contract/errors.js';
import { Button } from './Button.js';

export interface ErrorBannerProps {
  error: Error;
  onRetry?: () => void;
  onDismiss?: () => void;
}

export function ErrorBanner({ error, onRetry, onDismiss }: ErrorBannerProps) {
  const issues = error instanceof LikenessError ? (error.issues ?? []) : [];
  return (
    <div className="error-banner" role="alert">
      <div>
        <strong>{error.message}</strong>
        {issues.length > 0 ? (
          <ul>
            {issues.map((issue) => (
              <li key={`${issue.path}:${issue.message}`}>
                {issue.path}: {issue.message}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <div className="error-actions">
        {onRetry ? <Button onClick={onRetry}>Try again</Button> : null}
        {onDismiss ? (
          <Button variant="ghost" onClick={onDismiss} aria-label="Dismiss error">
            ✕
          </Button>
        ) : null}
      </div>
    </div>
  );
}
