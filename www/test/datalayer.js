window.dataLayer = window.dataLayer || []; // like GTM: the SDK mirrors its events here
