import type { InputItem } from '../stage.ts';

/** A slice of input and how far into the source the reader has got. */
export interface InputChunk {
  items: InputItem[];
  /** Progress in `unit`s since the start of the source (bytes for text files, rows for Parquet). */
  position: number;
}

export interface ReadContext {
  /** The source's path ('-' for stdin), for messages. */
  path: string;
}

/** A reader turns one source into chunks of input items, streaming. */
export type SourceReader = (context: ReadContext) => AsyncIterable<InputChunk>;
