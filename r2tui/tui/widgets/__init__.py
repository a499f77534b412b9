"""The app's widgets: the two lazy trees, the dashboard, the details pane, the transfers panel."""
