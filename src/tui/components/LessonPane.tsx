/**
 * The current task: its title, progress (`done/total`), each goal with ✓/✗ and
 * what is observed instead, the hints asked for, the solution once confirmed,
 * and the findings of the last re-read of the files.
 */
import { Box, Text } from 'ink';
import { Line } from './Line.js';
import type { LabView, Lesson, Task, TaskStatus } from '../../lesson/contract.js';

export interface LessonPaneProps {
  readonly lesson?: Lesson;
  readonly view?: LabView;
  readonly tasks: readonly TaskStatus[];
  readonly hintsShown: number;
  readonly solutionShown: boolean;
  readonly width: number;
  readonly height: number;
  readonly error?: string;
}

function Goals({ status }: { readonly status?: TaskStatus }) {
  if (!status) return null;
  return (
    <>
      {status.goals.map((g, i) => (
        <Box key={i} flexDirection="column" flexShrink={0}>
          <Line wrap="truncate-end" color={g.met ? 'green' : undefined}>{g.met ? '✓' : '✗'} {g.text}</Line>
          {!g.met && g.detail ? <Line dimColor>  {g.detail}</Line> : null}
        </Box>
      ))}
    </>
  );
}

/** The help asked for, newest first (the solution, then the strongest hint): what the learner just asked for is never clipped. */
function Help({ task, hintsShown, solutionShown }: { readonly task: Task; readonly hintsShown: number; readonly solutionShown: boolean }) {
  const hints = task.hints.slice(0, hintsShown).map((h, i) => ({ h, n: i + 1 })).reverse();
  return (
    <>
      {solutionShown ? task.solution.map((s, i) => <Line key={`s${i}`} color="magenta">{i === 0 ? 'Solution: ' : ''}{s}</Line>) : null}
      {hints.map(({ h, n }) => <Line key={n} color="yellow">Hint {n}/{task.hints.length}: {h}</Line>)}
    </>
  );
}

export function LessonPane({ lesson, view, tasks, hintsShown, solutionShown, width, height, error }: LessonPaneProps) {
  const status = view?.task;
  const task = lesson?.tasks.find((t) => t.number === status?.number);
  const done = tasks.filter((t) => t.done).length;
  return (
    <Box flexDirection="column" borderStyle="round" width={width} height={height} overflow="hidden" paddingX={1}>
      {error ? <Line color="red">{error}</Line> : null}
      {view?.findings.map((f, i) => <Line key={i} color="red">{f}</Line>)}
      {!lesson || !status || !task ? <Line dimColor>{lesson ? 'no task selected: t lists the tasks' : 'l lists the lessons'}</Line> : (
        <>
          <Line wrap="truncate-end">
            <Text bold>Task {task.number}/{lesson.tasks.length}</Text> · {done}/{tasks.length} done
            {status.done ? <Text color="green" bold> ✓ DONE</Text> : <Text dimColor> · t: read</Text>}
          </Line>
          <Line bold wrap="truncate-end">{task.title}</Line>
          {status.done ? <Line color="green">Done. t: pick the next task</Line> : null}
          <Help task={task} hintsShown={hintsShown} solutionShown={solutionShown} />
          <Goals status={status} />
          {task.text.map((p, i) => <Line key={i}>{p}</Line>)}
        </>
      )}
    </Box>
  );
}
