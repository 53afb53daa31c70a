from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("", views.OrderListView.as_view(), name="order-list"),
    path("new/", views.OrderCreateView.as_view(), name="order-create"),
    path("sku-lookup/", views.OrderSkuLookupView.as_view(), name="sku-lookup"),
    path("<int:pk>/", views.OrderDetailView.as_view(), name="order-detail"),
    path(
        "<int:pk>/new-customer/",
        views.OrderCreateCustomerView.as_view(),
        name="order-create-customer",
    ),
    path(
        "<int:pk>/link/<int:customer_pk>/",
        views.OrderLinkCustomerView.as_view(),
        name="order-link-customer",
    ),
    path("<int:pk>/confirm/", views.OrderConfirmView.as_view(), name="order-confirm"),
    path("<int:pk>/cancel/", views.OrderCancelView.as_view(), name="order-cancel"),
    path("<int:pk>/deliver/", views.OrderDeliverView.as_view(), name="order-deliver"),
    path("<int:pk>/close/", views.OrderCloseView.as_view(), name="order-close"),
    path("<int:pk>/reveal/<str:field>/", views.OrderRevealView.as_view(), name="order-reveal"),
    path("customers/", views.CustomerListView.as_view(), name="customer-list"),
    path("customers/<int:pk>/", views.CustomerDetailView.as_view(), name="customer-detail"),
    path("customers/<int:pk>/edit/", views.CustomerUpdateView.as_view(), name="customer-update"),
    path("customers/<int:pk>/merge/", views.CustomerMergeView.as_view(), name="customer-merge"),
    path(
        "customers/<int:pk>/reveal/<str:field>/",
        views.CustomerRevealView.as_view(),
        name="customer-reveal",
    ),
    path("sla/", views.SlaReportView.as_view(), name="sla-report"),
]
