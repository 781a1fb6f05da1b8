// A stage screen whose pipeline step is not in this build: says what it will do and what it needs first; renderer.
import type { ReactNode } from 'react';
import { Button, EmptyState } from '../design/index.js';
import { ScreenHeader } from './ScreenHeader.js';

export interface UpcomingStageProps {
  title: string;
  lede: string;
  emptyTitle: string;
  children: ReactNode;
}

export function UpcomingStage({ title, lede, emptyTitle, children }: UpcomingStageProps) {
  return (
    <>
      <ScreenHeader title={title}>{lede}</ScreenHeader>
      <EmptyState
        title={emptyTitle}
        action={
          <Button variant="primary" onClick={() => (window.location.hash = '#/capture')}>
            Go to Capture
          </Button>
        }
      >
        {children}
      </EmptyState>
    </>
  );
}
