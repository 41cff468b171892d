import {
  LoggerService,
  RootLoggerService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';

/** One captured log line: level, message, and the metadata of the logger and the call. */
export interface CapturedLog {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  meta: Record<string, unknown>;
}

/** A root logger that keeps every line, so tests can read what the backend logged. */
export class CapturingLogger implements RootLoggerService {
  constructor(
    readonly lines: CapturedLog[] = [],
    private readonly fields: Record<string, unknown> = {},
  ) {}

  private add(
    level: CapturedLog['level'],
    message: string,
    meta?: Error | unknown,
  ) {
    const extra =
      meta instanceof Error
        ? { error: `${meta.name}: ${meta.message}\n${meta.stack}` }
        : ((meta ?? {}) as object);
    this.lines.push({
      level,
      message: String(message),
      meta: { ...this.fields, ...extra },
    });
  }

  error(message: string, meta?: Error | unknown) {
    this.add('error', message, meta);
  }
  warn(message: string, meta?: Error | unknown) {
    this.add('warn', message, meta);
  }
  info(message: string, meta?: Error | unknown) {
    this.add('info', message, meta);
  }
  debug(message: string, meta?: Error | unknown) {
    this.add('debug', message, meta);
  }
  child(meta: Record<string, unknown>): LoggerService {
    return new CapturingLogger(this.lines, { ...this.fields, ...meta });
  }

  /** Everything logged, as one text (for searching). */
  text(): string {
    return this.lines
      .map(l => `${l.level} ${l.message} ${JSON.stringify(l.meta)}`)
      .join('\n');
  }

  /** The root logger service factory that logs here. */
  factory() {
    return createServiceFactory({
      service: coreServices.rootLogger,
      deps: {},
      factory: () => this,
    });
  }
}
