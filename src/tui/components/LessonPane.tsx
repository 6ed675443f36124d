/**
 * The current task: its title, progress (`done/total`), each goal with ✓/✗ and
 * what is observed instead, the hints asked for, the solution once confirmed,
 * and the findings of the last re-read of the files.
 */
import { Box, Text } from 'ink';
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
        <Box key={i} flexDirection="column">
          <Text wrap="truncate-end" color={g.met ? 'green' : undefined}>{g.met ? '✓' : '✗'} {g.text}</Text>
          {!g.met && g.detail ? <Text wrap="truncate-end" dimColor>  {g.detail}</Text> : null}
        </Box>
      ))}
    </>
  );
}

function Help({ task, hintsShown, solutionShown }: { readonly task: Task; readonly hintsShown: number; readonly solutionShown: boolean }) {
  return (
    <>
      {task.hints.slice(0, hintsShown).map((h, i) => <Text key={i} color="yellow">Hint {i + 1}/{task.hints.length}: {h}</Text>)}
      {solutionShown ? task.solution.map((s, i) => <Text key={i} color="magenta">{i === 0 ? 'Solution: ' : ''}{s}</Text>) : null}
    </>
  );
}

export function LessonPane({ lesson, view, tasks, hintsShown, solutionShown, width, height, error }: LessonPaneProps) {
  const status = view?.task;
  const task = lesson?.tasks.find((t) => t.number === status?.number);
  const done = tasks.filter((t) => t.done).length;
  return (
    <Box flexDirection="column" borderStyle="round" width={width} height={height} overflow="hidden" paddingX={1}>
      {error ? <Text color="red">{error}</Text> : null}
      {view?.findings.map((f, i) => <Text key={i} color="red" wrap="truncate-end">{f}</Text>)}
      {!lesson || !status || !task ? <Text dimColor>{lesson ? 'no task selected: t lists the tasks' : 'l lists the lessons'}</Text> : (
        <>
          <Text wrap="truncate-end">
            <Text bold>Task {task.number}/{lesson.tasks.length}</Text> · {done}/{tasks.length} done
            {status.done ? <Text color="green" bold> ✓ DONE</Text> : null}
          </Text>
          <Text bold wrap="truncate-end">{task.title}</Text>
          <Goals status={status} />
          {status.done ? <Text color="green">Done. t: pick the next task</Text> : null}
          <Help task={task} hintsShown={hintsShown} solutionShown={solutionShown} />
          {task.text.map((p, i) => <Text key={i}>{p}</Text>)}
        </>
      )}
    </Box>
  );
}
