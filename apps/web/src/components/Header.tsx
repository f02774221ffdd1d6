export interface HeaderProps {
  readonly room: string;
}

/** The page title and the room this tab asked for. */
export function Header({ room }: HeaderProps) {
  return (
    <header className="header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <h1>Conclave</h1>
        <span className="tagline">browser tabs elect one leader</span>
      </div>
      <div className="room-name" title="Set with ?room=NAME">
        room <strong>{room}</strong>
      </div>
    </header>
  );
}
