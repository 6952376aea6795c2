/** `memo` without preact/compat (which would bring React's compatibility layer along). */
import { Component, type ComponentChild, type ComponentType } from 'preact';

/** A component that renders again only when `equal(previous, next)` is false. */
export function memo<P extends object>(
  render: (props: P) => ComponentChild,
  equal: (a: Readonly<P>, b: Readonly<P>) => boolean,
): ComponentType<P> {
  class Memo extends Component<P> {
    override shouldComponentUpdate(next: Readonly<P>): boolean {
      return !equal(this.props, next);
    }
    override render(props: Readonly<P>): ComponentChild {
      return render(props);
    }
  }
  return Memo;
}
