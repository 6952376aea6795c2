/**
 * Asks for serve's `--auth-token` once per tab. A refused token is said plainly; the token
 * itself is never shown or put into the page.
 */
import { useEffect, useRef } from 'preact/hooks';

/** The token form. */
export function TokenPrompt(props: { refused: boolean; onSubmit: (token: string) => void }) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), [props.refused]);
  return (
    <section class="panel token" aria-labelledby="token-h">
      <h2 id="token-h">This avnet serve needs an access token</h2>
      {props.refused && (
        <p class="error-text" role="alert" id="token-error">
          <span aria-hidden="true">✕</span> Wrong token: avnet serve refused it (401 Unauthorized).
          Check the value given to <code>--auth-token</code> and enter it again.
        </p>
      )}
      <p>
        Enter the token given to <code>avnet serve --auth-token</code>. It is kept for this tab only
        and sent as a bearer token.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const value = input.current?.value.trim() ?? '';
          if (input.current) input.current.value = '';
          if (value !== '') props.onSubmit(value);
        }}
      >
        <label for="token-input">Access token</label>
        <input
          ref={input}
          id="token-input"
          type="password"
          autocomplete="off"
          required
          aria-describedby={props.refused ? 'token-error' : undefined}
        />
        <button type="submit">Sign in</button>
      </form>
    </section>
  );
}
