// The connected-clients panel's words (kept beside it, so that the shared string tables stay
// untouched by this panel).

export interface ConnectedClientsText {
  title: string;
  user: string;
  address: string;
  since: string;
  rooms: string;
  outbound: string;
  disconnect: string;
  none: string;
  previous: string;
  next: string;
  page: string;
  total: string;
}

const en: ConnectedClientsText = {
  title: 'Connected clients',
  user: 'User',
  address: 'Address',
  since: 'Since',
  rooms: 'Rooms',
  outbound: 'Outbound queue',
  disconnect: 'Disconnect',
  none: 'No clients connected.',
  previous: 'Previous',
  next: 'Next',
  page: 'Page {n}',
  total: '{n} connected',
};

const es: ConnectedClientsText = {
  title: 'Clientes conectados',
  user: 'Usuario',
  address: 'Dirección',
  since: 'Desde',
  rooms: 'Salas',
  outbound: 'Cola de salida',
  disconnect: 'Desconectar',
  none: 'No hay clientes conectados.',
  previous: 'Anterior',
  next: 'Siguiente',
  page: 'Página {n}',
  total: '{n} conectados',
};

export function connectedClientsText(lang: string): ConnectedClientsText {
  return lang.startsWith('es') ? es : en;
}
